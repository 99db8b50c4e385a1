import { EVENTS_STREAM } from "@castbus/events";
import {
  Publisher,
  consumeDurable,
  consumerLag,
  ensureDurableConsumer,
  provision,
  startServiceRuntime,
  type NatsConnection,
} from "@castbus/nats";
import type { EventRouter, Services } from "@castbus/router";
import type { Logger, Metrics, Readiness } from "@castbus/telemetry";
import { setTimeout as sleep } from "node:timers/promises";
import { startAt, type WorkerConfig } from "./config.js";
import { processDelivery } from "./processor.js";

/** What {@link createWorker} is built from. */
export interface WorkerDeps {
  readonly config: WorkerConfig;
  readonly router: EventRouter;
  /** Services handlers receive as `ctx.services`. */
  readonly services?: Services;
  readonly logger?: Logger;
}

/** A running worker replica. */
export interface Worker {
  readonly port: number;
  readonly metrics: Metrics;
  readonly readiness: Readiness;
  readonly logger: Logger;
  readonly nc: NatsConnection;
  /** Graceful stop: take no more messages, let in-flight handlers finish (or nak them), drain. */
  stop(): Promise<void>;
}

const LAG_POLL_MS = 5000;

/**
 * Starts one worker replica of group `WORKER_GROUP`: ensures the durable consumer, then runs
 * the router's handlers over it with `WORKER_CONCURRENCY` at once. Replicas of a group share the
 * consumer, so adding replicas divides the work.
 */
export async function createWorker(deps: WorkerDeps): Promise<Worker> {
  const { config } = deps;
  const runtime = await startServiceRuntime({
    service: "worker",
    config,
    checks: ["consumer"],
    ...(deps.logger === undefined ? {} : { logger: deps.logger }),
  });
  const { logger, metrics, readiness, server, nc } = runtime;
  const group = config.WORKER_GROUP;
  const ensure = async () => {
    await provision(nc, config);
    await ensureDurableConsumer(nc, {
      stream: EVENTS_STREAM,
      name: group,
      filterSubjects: config.WORKER_SUBJECTS,
      ackWaitMs: config.WORKER_ACK_WAIT_MS,
      maxAckPending: config.WORKER_MAX_ACK_PENDING,
      deliverFrom: startAt(config.WORKER_START_AT)!,
    });
    readiness.set("consumer", true);
  };
  await ensure();
  const publisher = new Publisher(nc, {
    onRetry: (reason) => metrics.publishErrors.inc({ reason }),
  });
  const stopping = new AbortController();
  const lagTimer = setInterval(() => void pollLag(nc, group, metrics), LAG_POLL_MS);
  lagTimer.unref();
  const consuming = consumeDurable(nc, {
    stream: EVENTS_STREAM,
    name: group,
    concurrency: config.WORKER_CONCURRENCY,
    signal: stopping.signal,
    ensure: () =>
      ensure().catch((error: unknown) => {
        readiness.set("consumer", false, (error as Error).message);
        throw error;
      }),
    handle: (delivery) =>
      processDelivery(delivery, {
        config,
        router: deps.router,
        publisher,
        metrics,
        logger,
        services: deps.services ?? {},
        signal: stopping.signal,
      }),
    onNotice: (kind, detail) => logger.warn({ kind }, detail),
  });
  logger.info(
    { group, subjects: config.WORKER_SUBJECTS, handlers: deps.router.names(), port: server.port },
    "worker started",
  );
  return {
    port: server.port,
    metrics,
    readiness,
    logger,
    nc,
    stop: async () => {
      if (stopping.signal.aborted) return;
      logger.info("shutting down: finishing in-flight events");
      stopping.abort();
      clearInterval(lagTimer);
      await Promise.race([consuming, sleep(config.SHUTDOWN_GRACE_MS)]);
      await publisher.close(Math.min(5000, config.SHUTDOWN_GRACE_MS));
      await runtime.close();
    },
  };
}

async function pollLag(nc: NatsConnection, group: string, metrics: Metrics): Promise<void> {
  try {
    const lag = await consumerLag(nc, EVENTS_STREAM, group);
    metrics.consumerPending.set({ consumer: group }, lag.pending);
    metrics.consumerAckPending.set({ consumer: group }, lag.ackPending);
  } catch {
    // The next poll tries again; a missing consumer is recreated by the consume loop.
  }
}
