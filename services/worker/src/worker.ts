import { startServiceRuntime, type NatsConnection } from "@castbus/nats";
import { subscribe, type EventRouter, type Services } from "@castbus/router";
import type { Logger, Metrics, Readiness } from "@castbus/telemetry";
import { consumerSettings, type WorkerConfig } from "./config.js";

/** What {@link createWorker} is built from. */
export interface WorkerDeps<S extends Services = Services> {
  readonly config: WorkerConfig;
  readonly router: EventRouter<S>;
  /** Services handlers receive as `ctx.services`. */
  readonly services?: S;
  readonly logger?: Logger;
}

/** A running worker replica. */
export interface Worker {
  readonly port: number;
  readonly metrics: Metrics;
  readonly readiness: Readiness;
  readonly logger: Logger;
  readonly nc: NatsConnection;
  /** Graceful stop: take no more events, let in-flight handlers finish (or nak them), drain. */
  stop(): Promise<void>;
}

/**
 * Starts one worker replica of group `WORKER_GROUP`: the service runtime (telemetry, NATS) plus
 * `subscribe()` from `@castbus/router` with the settings from the environment. Replicas of a
 * group share its durable consumer, so adding replicas divides the work.
 */
export async function createWorker<S extends Services>(deps: WorkerDeps<S>): Promise<Worker> {
  const { config } = deps;
  const runtime = await startServiceRuntime({
    service: "worker",
    config,
    checks: ["consumer"],
    ...(deps.logger === undefined ? {} : { logger: deps.logger }),
  });
  const { logger, metrics, readiness, nc } = runtime;
  const subscription = await subscribe(deps.router, {
    nc,
    ...consumerSettings(config),
    logger,
    metrics,
    streams: config,
    ...(deps.services === undefined ? {} : { services: deps.services }),
    onConsumerState: (ok, reason) => readiness.set("consumer", ok, reason),
  });
  logger.info(
    {
      group: config.WORKER_GROUP,
      subjects: config.WORKER_SUBJECTS,
      handlers: deps.router.names(),
      port: runtime.server.port,
    },
    "worker started",
  );
  let stopping: Promise<void> | undefined;
  return {
    port: runtime.server.port,
    metrics,
    readiness,
    logger,
    nc,
    stop: () =>
      (stopping ??= (async () => {
        logger.info("shutting down: finishing in-flight events");
        await subscription.stop(config.SHUTDOWN_GRACE_MS);
        await runtime.close();
      })()),
  };
}
