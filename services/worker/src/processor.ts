import { validateEvent, type CastbusEvent } from "@castbus/events";
import type { Delivery, Publisher } from "@castbus/nats";
import type { EventRouter, HandlerError, Services } from "@castbus/router";
import type { Logger, Metrics } from "@castbus/telemetry";
import { backoffFor, type WorkerConfig } from "./config.js";
import { workerDeadLetter, type WorkerDeadLetterReason } from "./dead-letter.js";
import { emitterFor } from "./emitter.js";

/** What {@link processDelivery} works with. */
export interface ProcessorDeps {
  readonly config: WorkerConfig;
  readonly router: EventRouter;
  readonly publisher: Publisher;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly services: Services;
  /** Aborted on shutdown; handlers see it as `ctx.signal`. */
  readonly signal: AbortSignal;
}

const decoder = new TextDecoder();

/**
 * One delivery, start to finish: parse and validate (invalid → dead letter at once), run the
 * handlers, then ack; on failure nak with the configured backoff, or dead-letter on the last
 * allowed delivery. Every delivery ends in exactly one of ack, nak or dead letter + term.
 */
export async function processDelivery(delivery: Delivery, deps: ProcessorDeps): Promise<void> {
  const { config, metrics } = deps;
  const group = config.WORKER_GROUP;
  metrics.consumerPending.set({ consumer: group }, delivery.pending);
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(delivery.data));
  } catch {
    return deadLetter(delivery, deps, "unknown", {
      reason: "invalid_json",
      message: "message body is not JSON",
    });
  }
  const validation = validateEvent(value);
  if (!validation.ok) {
    return deadLetter(delivery, deps, typeOf(value), {
      reason: "schema",
      message: validation.message,
    });
  }
  const event = validation.event;
  if (delivery.deliveryCount > config.WORKER_MAX_DELIVER) {
    // A previous delivery never finished (its worker died): do not run it again.
    const message = `delivered ${delivery.deliveryCount} times (max ${config.WORKER_MAX_DELIVER}) without finishing`;
    return deadLetter(delivery, deps, event.type, {
      reason: "max_deliveries",
      message,
      eventId: event.id,
    });
  }
  const errors = await runHandlers(delivery, event, deps);
  if (errors.length === 0) {
    delivery.ack();
    metrics.eventsProcessed.inc({ consumer: group, type: event.type, outcome: "ok" });
    observeLatency(event, deps);
    return;
  }
  const last = errors.at(-1)!;
  const giveUp =
    delivery.deliveryCount >= config.WORKER_MAX_DELIVER || errors.some((e) => !e.retryable);
  if (giveUp && !deps.signal.aborted) {
    const message = errors.map((e) => e.message).join("; ");
    return deadLetter(delivery, deps, event.type, {
      reason: "handler_failed",
      message,
      handler: last.handlerName,
      eventId: event.id,
    });
  }
  delivery.nak(deps.signal.aborted ? 0 : backoffFor(config, delivery.deliveryCount));
  metrics.eventsProcessed.inc({ consumer: group, type: event.type, outcome: "retry" });
}

async function runHandlers(
  delivery: Delivery,
  event: CastbusEvent,
  deps: ProcessorDeps,
): Promise<readonly HandlerError[]> {
  const { config, metrics, publisher } = deps;
  const group = config.WORKER_GROUP;
  // Long handlers keep the message: tell the server we are still working well before ack wait.
  const heartbeat = setInterval(
    () => delivery.working(),
    Math.max(500, config.WORKER_ACK_WAIT_MS / 3),
  );
  try {
    const result = await deps.router.dispatch(event, {
      logger: deps.logger,
      emitFor: (handler) => emitterFor(publisher, group, event, handler),
      signal: deps.signal,
      attempt: delivery.deliveryCount,
      services: deps.services,
      handlerTimeoutMs: config.WORKER_HANDLER_TIMEOUT_MS,
      onHandlerDone: (name, durationMs, error) => {
        metrics.handlerDuration.observe({ consumer: group, handler: name }, durationMs / 1000);
        metrics.handlerCalls.inc({
          consumer: group,
          handler: name,
          outcome: error === undefined ? "ok" : "error",
        });
      },
    });
    return result.errors;
  } finally {
    clearInterval(heartbeat);
  }
}

async function deadLetter(
  delivery: Delivery,
  deps: ProcessorDeps,
  type: string,
  failure: { reason: WorkerDeadLetterReason; message: string; handler?: string; eventId?: string },
): Promise<void> {
  const group = deps.config.WORKER_GROUP;
  try {
    await deps.publisher.publish(workerDeadLetter(group, delivery, failure));
  } catch (error) {
    deps.logger.error(
      { err: error, seq: delivery.streamSequence },
      "dead letter not stored; will retry on redelivery",
    );
    delivery.nak(backoffFor(deps.config, 1));
    return;
  }
  delivery.term();
  deps.metrics.deadLetters.inc({ consumer: group, reason: failure.reason });
  deps.metrics.eventsProcessed.inc({ consumer: group, type, outcome: "dead_letter" });
  deps.logger.warn(
    {
      reason: failure.reason,
      eventId: failure.eventId,
      seq: delivery.streamSequence,
      deliveries: delivery.deliveryCount,
      detail: failure.message,
    },
    "event dead-lettered",
  );
}

function observeLatency(event: CastbusEvent, deps: ProcessorDeps): void {
  const ingested = Date.parse(event.ingesttime);
  if (!Number.isNaN(ingested)) {
    deps.metrics.deliveryLatency.observe(
      { consumer: deps.config.WORKER_GROUP },
      Math.max(0, Date.now() - ingested) / 1000,
    );
  }
}

function typeOf(value: unknown): string {
  const type = (value as { type?: unknown } | null)?.type;
  return typeof type === "string" && /^[a-z0-9_.-]{1,100}$/.test(type) ? type : "unknown";
}
