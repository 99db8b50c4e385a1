import { DeadLetterHeaders, workerDeadLetterSubject } from "@castbus/events";
import type { Delivery, PublishMessage } from "@castbus/nats";

/** Why a worker dead-lettered an event. */
export type WorkerDeadLetterReason =
  "invalid_json" | "schema" | "handler_failed" | "max_deliveries";

/**
 * The dead letter for an event a worker gave up on: the original bytes unchanged, with why in
 * headers. The msg id names the group and stream sequence, so a retried dead-lettering stores
 * one copy.
 */
export function workerDeadLetter(
  group: string,
  delivery: Delivery,
  failure: { reason: WorkerDeadLetterReason; message: string; handler?: string; eventId?: string },
): PublishMessage {
  const headers: Record<string, string> = {
    [DeadLetterHeaders.reason]: failure.reason,
    [DeadLetterHeaders.error]: failure.message.replace(/[\r\n]+/g, " ").slice(0, 1000),
    [DeadLetterHeaders.consumer]: group,
    [DeadLetterHeaders.originalSubject]: delivery.subject,
    [DeadLetterHeaders.streamSequence]: String(delivery.streamSequence),
    [DeadLetterHeaders.deliveries]: String(delivery.deliveryCount),
    [DeadLetterHeaders.time]: new Date().toISOString(),
  };
  if (failure.handler !== undefined) headers[DeadLetterHeaders.handler] = failure.handler;
  if (failure.eventId !== undefined) headers[DeadLetterHeaders.eventId] = failure.eventId;
  return {
    subject: workerDeadLetterSubject(group),
    data: delivery.data,
    msgId: `dlq:worker:${group}:${delivery.streamSequence}`,
    headers,
  };
}
