import { Backoff } from "@castbus/http";
import {
  CheckpointStore,
  Publisher,
  checkpointKey,
  startServiceRuntime,
  type NatsConnection,
  type ServiceRuntime,
} from "@castbus/nats";
import type { Logger, Metrics, Readiness } from "@castbus/telemetry";
import { setTimeout as sleep } from "node:timers/promises";
import { SourceChannel } from "./channel.js";
import { Checkpointer } from "./checkpointer.js";
import type { IngestConfig } from "./config.js";
import { FatalSourceError } from "./errors.js";
import { runPullSource, runPushSource, upstreamCheck, type LoopContext } from "./loops.js";
import type { Source } from "./source.js";

/** What {@link createIngester} is built from. */
export interface IngesterDeps {
  /** Service name (`ingester-chaturbate`): log `service`, NATS connection name. */
  readonly service: string;
  readonly config: IngestConfig;
  readonly sources: readonly Source[];
  /** Defaults to JSON on stdout at `LOG_LEVEL`; tests pass a capturing one. */
  readonly logger?: Logger;
  /** Called when a source stops for good (bad credentials, lost cursor ownership). */
  readonly onFatal?: (error: FatalSourceError) => void;
}

/** A running ingester. */
export interface Ingester {
  readonly port: number;
  readonly metrics: Metrics;
  readonly readiness: Readiness;
  readonly logger: Logger;
  readonly nc: NatsConnection;
  /** Graceful stop: stop reading, flush publishes, write final checkpoints, drain NATS. */
  stop(): Promise<void>;
}

/**
 * Starts an ingester: telemetry server first (so `/healthz` answers while NATS is still being
 * reached), then NATS (streams provisioned), then one loop per source. Every source gets its own
 * cursor, backoff, readiness check and metric labels; all share one publish window.
 */
export async function createIngester(deps: IngesterDeps): Promise<Ingester> {
  const { config } = deps;
  const runtime = await startServiceRuntime({
    service: deps.service,
    config,
    checks: deps.sources.map(upstreamCheck),
    ...(deps.logger === undefined ? {} : { logger: deps.logger }),
  });
  const { logger, metrics, readiness, server, nc } = runtime;
  const store = await CheckpointStore.open(nc);
  const publisher = new Publisher(nc, {
    maxInFlight: config.INGEST_MAX_IN_FLIGHT,
    ackTimeoutMs: config.INGEST_ACK_TIMEOUT_MS,
    onRetry: (reason) => metrics.publishErrors.inc({ reason }),
  });
  const gauge = setInterval(() => metrics.publishInFlight.set(publisher.inFlight), 1000);
  gauge.unref();
  const stopping = new AbortController();
  const checkpointers: Checkpointer<unknown>[] = [];
  const channelDeps = {
    publisher,
    metrics,
    logger,
    maxPayload: nc.info?.max_payload ?? 1024 * 1024,
  };
  const loops = deps.sources.map((source) => {
    const sourceLogger = logger.child({ source: source.name, account: source.account });
    const own = new AbortController();
    const signal = AbortSignal.any([stopping.signal, own.signal]);
    const fatal = (error: FatalSourceError) => {
      own.abort();
      readiness.set(upstreamCheck(source), false, `${error.kind}: ${error.message}`);
      deps.onFatal?.(error);
    };
    const run =
      source.kind === "pull"
        ? pullRunner(
            source,
            { store, metrics, logger: sourceLogger, signal, readiness, channelDeps },
            checkpointers,
            fatal,
          )
        : pushRunner(source, { metrics, logger: sourceLogger, signal, readiness, channelDeps });
    return supervise(run, signal, sourceLogger).catch(fatal);
  });
  logger.info(
    { sources: deps.sources.map((s) => `${s.name}/${s.account}`), port: server.port },
    "ingester started",
  );
  return {
    port: server.port,
    metrics,
    readiness,
    logger,
    nc,
    stop: () =>
      shutdown({
        stopping,
        loops,
        publisher,
        checkpointers,
        runtime,
        gauge,
        graceMs: config.SHUTDOWN_GRACE_MS,
      }),
  };
}

/**
 * Runs a source loop, restarting it with backoff when it crashes on something unexpected (a
 * checkpoint read while NATS restarts, a bug); only a {@link FatalSourceError} ends it.
 */
async function supervise(
  run: () => Promise<void>,
  signal: AbortSignal,
  logger: Logger,
): Promise<void> {
  const backoff = new Backoff({ initialMs: 500, maxMs: 30_000 });
  while (!signal.aborted) {
    try {
      await run();
      return;
    } catch (error) {
      if (error instanceof FatalSourceError) throw error;
      logger.error({ err: error }, "source loop crashed; restarting it");
      await backoff.wait(signal);
    }
  }
}

interface PullWiring {
  store: CheckpointStore;
  metrics: Metrics;
  logger: Logger;
  signal: AbortSignal;
  readiness: Readiness;
  channelDeps: ConstructorParameters<typeof SourceChannel>[0];
}

/** Builds a pull source's channel and checkpointer once; the returned loop may be restarted. */
function pullRunner(
  source: Extract<Source, { kind: "pull" }>,
  w: PullWiring,
  checkpointers: Checkpointer<unknown>[],
  fatal: (error: FatalSourceError) => void,
): () => Promise<void> {
  const checkpointer = new Checkpointer<unknown>({
    store: w.store,
    key: checkpointKey(source.name, source.account),
    source: source.name,
    metrics: w.metrics,
    logger: w.logger,
  });
  checkpointer.onConflict = (error) => {
    w.logger.error(
      { err: error },
      "another process moved this source's checkpoint; stopping this source",
    );
    fatal(new FatalSourceError(error.message, { kind: "checkpoint_conflict", cause: error }));
  };
  checkpointers.push(checkpointer);
  const channel = new SourceChannel<unknown>(
    { ...w.channelDeps, logger: w.logger },
    source,
    (cursor) => checkpointer.offer(cursor),
  );
  const ctx: LoopContext<unknown> = {
    channel,
    metrics: w.metrics,
    readiness: w.readiness,
    logger: w.logger,
    signal: w.signal,
  };
  return () => runPullSource(source, checkpointer, ctx);
}

/** Builds a push source's channel once; the returned loop may be restarted. */
function pushRunner(
  source: Extract<Source, { kind: "push" }>,
  w: Omit<PullWiring, "store">,
): () => Promise<void> {
  const channel = new SourceChannel<never>(
    { ...w.channelDeps, logger: w.logger },
    source,
    () => undefined,
  );
  const ctx: LoopContext<never> = {
    channel,
    metrics: w.metrics,
    readiness: w.readiness,
    logger: w.logger,
    signal: w.signal,
  };
  return () => runPushSource(source, ctx);
}

async function shutdown(s: {
  stopping: AbortController;
  loops: Promise<void>[];
  publisher: Publisher;
  checkpointers: Checkpointer<unknown>[];
  runtime: ServiceRuntime;
  gauge: NodeJS.Timeout;
  graceMs: number;
}): Promise<void> {
  if (s.stopping.signal.aborted) return;
  const { logger } = s.runtime;
  const deadline = Date.now() + s.graceMs;
  const left = () => Math.max(0, deadline - Date.now());
  logger.info(
    { inFlight: s.publisher.inFlight },
    "shutting down: flushing publishes and checkpoints",
  );
  s.stopping.abort();
  await Promise.race([Promise.allSettled(s.loops), sleep(left())]);
  await Promise.race([s.publisher.flush(), sleep(left())]);
  await Promise.all(s.checkpointers.map((c) => c.flush(left())));
  await s.publisher.close(0);
  clearInterval(s.gauge);
  await s.runtime.close();
}
