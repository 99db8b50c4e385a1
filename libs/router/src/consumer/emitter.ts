import {
  createEnvelope,
  isCustomEventType,
  subjectForType,
  type CastbusEvent,
} from "@castbus/events";
import type { Publisher } from "@castbus/nats";

/**
 * `ctx.emit` for one handler run: publishes `custom.<name>` events with the causing event's id
 * in `causationid`. Ids are derived from the cause, the handler and the emit's position, so a
 * redelivered event whose handler emits again produces the same ids — and JetStream keeps one.
 */
export function emitterFor(
  publisher: Publisher,
  group: string,
  cause: CastbusEvent,
  handler: string,
) {
  let count = 0;
  return async (type: `custom.${string}`, data: Record<string, unknown>): Promise<void> => {
    if (!isCustomEventType(type)) {
      throw new TypeError(
        `emit: ${JSON.stringify(type)} is not a custom.<name> type of NATS-safe tokens`,
      );
    }
    if (typeof data !== "object" || data === null || Array.isArray(data)) {
      throw new TypeError("emit: data must be a JSON object");
    }
    count += 1;
    const envelope = createEnvelope({
      id: `emit:${cause.id}:${handler}:${count}`,
      source: `worker/${group}`,
      type,
      data,
      causationId: cause.id,
    });
    if (!publisher.hasCapacity) await publisher.waitForCapacity();
    await publisher.publish({
      subject: subjectForType(type),
      data: Buffer.from(JSON.stringify(envelope)),
      msgId: envelope.id,
    });
  };
}
