import { EVENTS_STREAM } from "@castbus/events";
import {
  Publisher,
  consumeDurable,
  consumerLag,
  ensureDurableConsumer,
  provision,
  type NatsConnection,
  type StreamConfig,
} from "@castbus/nats";
import { createLogger, createMetrics, type Logger, type Metrics } from "@castbus/telemetry";
import { setTimeout as sleep } from "node:timers/promises";
import type { EventRouter } from "../router.js";
import type { Services } from "../types.js";
import { processDelivery } from "./processor.js";
import { DEFAULT_SETTINGS, type ConsumerSettings } from "./settings.js";

/** Options of {@link subscribe}: the group name plus any settings to override. */
export type SubscribeOptions<S extends Services> = Partial<ConsumerSettings> & {
  /** A connected NATS client (from `connectNats`, or yours). */
  readonly nc: NatsConnection;
  readonly group: string;
  /** What handlers get as `ctx.services` (dependency injection). */
  readonly services?: S;
  /** Defaults to JSON lines on stdout. */
  readonly logger?: Logger;
  /** Defaults to a private registry; pass the process's to export the worker metrics. */
  readonly metrics?: Metrics;
  /** Stream settings used when the streams must be created (defaults as DESIGN.md). */
  readonly streams?: Partial<StreamConfig>;
  /** Called when the consumer is (re)created or cannot be. */
  readonly onConsumerState?: (ok: boolean, reason?: string) => void;
};

/** A running subscription. */
export interface Subscription {
  /** The effective settings. */
  readonly settings: ConsumerSettings;
  /** Stops pulling, lets in-flight handlers finish (up to `graceMs`), then flushes dead letters. */
  stop(graceMs?: number): Promise<void>;
  /** Resolves when the subscription has stopped. */
  readonly done: Promise<void>;
}

const LAG_POLL_MS = 5000;
const DEFAULT_STREAMS: StreamConfig = {
  EVENTS_MAX_AGE_S: 7 * 86_400,
  EVENTS_MAX_BYTES: -1,
  EVENTS_REPLICAS: 1,
  EVENTS_DUPLICATE_WINDOW_S: 120,
  DEAD_LETTERS_MAX_AGE_S: 30 * 86_400,
};

/**
 * Binds `router` to a durable consumer group in your own program — what the worker service does,
 * as a library. Events are validated, dispatched, acked after the handlers finish, naked with
 * backoff on failure and dead-lettered to `dlq.worker.<group>` after `maxDeliver` deliveries.
 *
 * ```ts
 * const nc = await connect({ servers: "nats://127.0.0.1:4222" });
 * const sub = await subscribe(router, { nc, group: "alerts", subjects: ["events.chaturbate.>"] });
 * process.once("SIGTERM", () => void sub.stop());
 * ```
 */
export async function subscribe<S extends Services = Services>(
  router: EventRouter<S>,
  options: SubscribeOptions<S>,
): Promise<Subscription> {
  const settings: ConsumerSettings = {
    ...DEFAULT_SETTINGS,
    ...definedOnly(options),
    group: options.group,
  };
  const { nc } = options;
  const logger = options.logger ?? createLogger({ service: `subscriber-${settings.group}` });
  const metrics = options.metrics ?? createMetrics();
  const ensure = async () => {
    try {
      await provision(nc, { ...DEFAULT_STREAMS, ...options.streams });
      await ensureDurableConsumer(nc, {
        stream: EVENTS_STREAM,
        name: settings.group,
        filterSubjects: settings.subjects,
        ackWaitMs: settings.ackWaitMs,
        maxAckPending: settings.maxAckPending,
        deliverFrom: settings.startAt,
      });
      options.onConsumerState?.(true);
    } catch (error) {
      options.onConsumerState?.(false, (error as Error).message);
      throw error;
    }
  };
  await ensure();
  const publisher = new Publisher(nc, {
    onRetry: (reason) => metrics.publishErrors.inc({ reason }),
  });
  const stopping = new AbortController();
  const lagTimer = setInterval(() => void pollLag(nc, settings.group, metrics), LAG_POLL_MS);
  lagTimer.unref();
  const deps = {
    settings,
    router,
    publisher,
    metrics,
    logger,
    services: options.services ?? ({} as S),
    signal: stopping.signal,
    onHandlerDone: handlerMetrics(metrics, settings.group),
  };
  const consuming = consumeDurable(nc, {
    stream: EVENTS_STREAM,
    name: settings.group,
    concurrency: settings.concurrency,
    ackWaitMs: settings.ackWaitMs,
    signal: stopping.signal,
    ensure,
    handle: (delivery) => processDelivery(delivery, deps),
    onNotice: (kind, detail) => logger.warn({ kind }, detail),
  });
  let stopped: Promise<void> | undefined;
  const stop = (graceMs = 20_000) =>
    (stopped ??= (async () => {
      stopping.abort();
      clearInterval(lagTimer);
      await Promise.race([consuming, sleep(graceMs)]);
      await publisher.close(Math.min(5000, graceMs));
    })());
  const done = consuming.then(() => stopped);
  return { settings, stop, done: done.then(() => undefined) };
}

/**
 * Records a handler run in `castbus_handler_duration_seconds` and `castbus_handler_calls_total`,
 * with the labelled children looked up once per handler instead of once per event.
 */
function handlerMetrics(metrics: Metrics, group: string) {
  const children = new Map<string, { duration: Histogram; ok: Counter; error: Counter }>();
  return (name: string, durationMs: number, error: unknown) => {
    let child = children.get(name);
    if (child === undefined) {
      child = {
        duration: metrics.handlerDuration.labels({ consumer: group, handler: name }),
        ok: metrics.handlerCalls.labels({ consumer: group, handler: name, outcome: "ok" }),
        error: metrics.handlerCalls.labels({ consumer: group, handler: name, outcome: "error" }),
      };
      children.set(name, child);
    }
    child.duration.observe(durationMs / 1000);
    (error === undefined ? child.ok : child.error).inc();
  };
}

/** The labelled children of the metrics above. */
type Histogram = { observe(value: number): void };
type Counter = { inc(): void };

async function pollLag(nc: NatsConnection, group: string, metrics: Metrics): Promise<void> {
  try {
    const lag = await consumerLag(nc, EVENTS_STREAM, group);
    metrics.consumerPending.set({ consumer: group }, lag.pending);
    metrics.consumerAckPending.set({ consumer: group }, lag.ackPending);
  } catch {
    // The next poll tries again; a missing consumer is recreated by the consume loop.
  }
}

/** The settings fields of `options` that were actually given (so defaults are not overwritten by `undefined`). */
function definedOnly(options: Partial<ConsumerSettings>): Partial<ConsumerSettings> {
  const keys: (keyof ConsumerSettings)[] = [
    "subjects",
    "concurrency",
    "maxDeliver",
    "backoffMs",
    "ackWaitMs",
    "handlerTimeoutMs",
    "maxAckPending",
    "startAt",
  ];
  return Object.fromEntries(
    keys.filter((k) => options[k] !== undefined).map((k) => [k, options[k]]),
  );
}
