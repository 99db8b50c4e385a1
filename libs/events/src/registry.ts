import { z } from "zod";
import { chaturbateSchemas } from "./chaturbate.js";
import { obsSchemas } from "./obs.js";
import { tokenbowlSchemas } from "./tokenbowl.js";
import { twitchSchemas } from "./twitch.js";
import { envelopeSchema, type EventEnvelope } from "./envelope.js";
import { isValidEventType } from "./subjects.js";

/** Payload schema of `custom.<name>` events: any JSON object. */
export const customDataSchema = z.record(z.string(), z.unknown());

/** Every known event type's payload schema. Sources register theirs here. */
export const eventSchemas = {
  ...chaturbateSchemas,
  ...twitchSchemas,
  ...obsSchemas,
  ...tokenbowlSchemas,
} as const;

/** A known (non-custom) event type, e.g. `chaturbate.tip`. */
export type KnownEventType = keyof typeof eventSchemas;

/** Payload type of each known event type. */
export type EventDataMap = { [K in KnownEventType]: z.infer<(typeof eventSchemas)[K]> };

/** A `custom.<name>` type. */
export type CustomEventType = `custom.${string}`;

/** Any event type castbus carries. */
export type EventType = KnownEventType | CustomEventType;

/** The data type for an event type: the known payload, or a JSON object for custom events. */
export type EventData<T extends string> = T extends KnownEventType
  ? EventDataMap[T]
  : Record<string, unknown>;

/** An envelope whose `data` matches its `type`. */
export type CastbusEvent<T extends string = EventType> = EventEnvelope<T, EventData<T>>;

/** Every known event type, in a stable order. */
export const knownEventTypes = Object.keys(eventSchemas) as KnownEventType[];

/** Whether `type` is a registered (non-custom) event type. */
export function isKnownEventType(type: string): type is KnownEventType {
  return Object.hasOwn(eventSchemas, type);
}

/** Whether `type` is a valid `custom.<name>` type. */
export function isCustomEventType(type: string): type is CustomEventType {
  return type.startsWith("custom.") && isValidEventType(type);
}

/** The payload schema for `type`, or `undefined` when castbus does not carry that type. */
export function dataSchemaFor(type: string): z.ZodType | undefined {
  if (isKnownEventType(type)) return eventSchemas[type];
  if (isCustomEventType(type)) return customDataSchema;
  return undefined;
}

/** Outcome of {@link validateEvent}. */
export type EventValidation =
  | { readonly ok: true; readonly event: CastbusEvent }
  | {
      readonly ok: false;
      readonly reason: "envelope" | "unknown_type" | "data";
      readonly message: string;
    };

/**
 * Checks an already-parsed value against the envelope and its type's payload schema.
 * Returns the parsed event (unknown keys stripped from known payloads) or what was wrong.
 */
export function validateEvent(value: unknown): EventValidation {
  const envelope = envelopeSchema.safeParse(value);
  if (!envelope.success) {
    return { ok: false, reason: "envelope", message: describeIssues(envelope.error) };
  }
  const schema = dataSchemaFor(envelope.data.type);
  if (schema === undefined) {
    return {
      ok: false,
      reason: "unknown_type",
      message: `unknown event type ${envelope.data.type}`,
    };
  }
  const data = schema.safeParse(envelope.data.data);
  if (!data.success) return { ok: false, reason: "data", message: describeIssues(data.error) };
  return { ok: true, event: { ...envelope.data, data: data.data } as CastbusEvent };
}

/** One line naming every failing path, e.g. `data.user.username: expected string`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(root)"}: ${issue.message}`)
    .join("; ");
}
