import { validateEvent, type CastbusEvent } from "@castbus/events";
import type { Delivery, Publisher } from "@castbus/nats";
import type { Logger, Metrics } from "@castbus/telemetry";
import type { HandlerError } from "../errors.js";
import type { EventRouter } from "../router.js";
import type { Services } from "../types.js";
import { workerDeadLetter, type WorkerDeadLetterReason } from "./dead-letter.js";
import { emitterFor } from "./emitter.js";
import { backoffFor, type ConsumerSettings } from "./settings.js";

/** What {@link processDelivery} works with. */
export interface ProcessorDeps<S extends Services = Services> {
  readonly settings: ConsumerSettings;
  readonly router: EventRouter<S>;
  readonly publisher: Publisher;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly services: S;
  /** Aborted on shutdown; handlers see it as `ctx.signal`. */
  readonly signal: AbortSignal;
  /** Records one handler run (metrics). */
  readonly onHandlerDone: (
    name: string,
    durationMs: number,
    error: HandlerError | undefined,
  ) => void;
}

const decoder = new TextDecoder();

/**
 * One delivery, start to finish: parse and validate (invalid → dead letter at once), run the
 * handlers, then ack; on failure nak with the configured backoff, or dead-letter on the last
 * allowed delivery. Every delivery ends in exactly one of ack, nak or dead letter + term.
 */
export async function processDelivery<S extends Services>(
  delivery: Delivery,
  deps: ProcessorDeps<S>,
): Promise<void> {
  const { settings, metrics } = deps;
  const group = settings.group;
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
  if (delivery.deliveryCount > settings.maxDeliver) {
    // A previous delivery never finished (its worker died): do not run it again.
    const message = `delivered ${delivery.deliveryCount} times (max ${settings.maxDeliver}) without finishing`;
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
  const giveUp = delivery.deliveryCount >= settings.maxDeliver || errors.some((e) => !e.retryable);
  if (giveUp && !deps.signal.aborted) {
    const message = errors.map((e) => e.message).join("; ");
    return deadLetter(delivery, deps, event.type, {
      reason: "handler_failed",
      message,
      handler: last.handlerName,
      eventId: event.id,
    });
  }
  delivery.nak(deps.signal.aborted ? 0 : backoffFor(settings, delivery.deliveryCount));
  metrics.eventsProcessed.inc({ consumer: group, type: event.type, outcome: "retry" });
}

async function runHandlers<S extends Services>(
  delivery: Delivery,
  event: CastbusEvent,
  deps: ProcessorDeps<S>,
): Promise<readonly HandlerError[]> {
  const { settings, publisher } = deps;
  const result = await deps.router.dispatch(event, {
    logger: deps.logger,
    emitFor: (handler) => emitterFor(publisher, settings.group, event, handler),
    signal: deps.signal,
    attempt: delivery.deliveryCount,
    services: deps.services,
    handlerTimeoutMs: settings.handlerTimeoutMs,
    onHandlerDone: deps.onHandlerDone,
  });
  return result.errors;
}

async function deadLetter<S extends Services>(
  delivery: Delivery,
  deps: ProcessorDeps<S>,
  type: string,
  failure: { reason: WorkerDeadLetterReason; message: string; handler?: string; eventId?: string },
): Promise<void> {
  const group = deps.settings.group;
  try {
    await deps.publisher.publish(workerDeadLetter(group, delivery, failure));
  } catch (error) {
    deps.logger.error(
      { err: error, seq: delivery.streamSequence },
      "dead letter not stored; will retry on redelivery",
    );
    delivery.nak(backoffFor(deps.settings, 1));
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

function observeLatency<S extends Services>(event: CastbusEvent, deps: ProcessorDeps<S>): void {
  const ingested = Date.parse(event.ingesttime);
  if (!Number.isNaN(ingested)) {
    deps.metrics.deliveryLatency.observe(
      { consumer: deps.settings.group },
      Math.max(0, Date.now() - ingested) / 1000,
    );
  }
}

function typeOf(value: unknown): string {
  const type = (value as { type?: unknown } | null)?.type;
  return typeof type === "string" && /^[a-z0-9_.-]{1,100}$/.test(type) ? type : "unknown";
}
