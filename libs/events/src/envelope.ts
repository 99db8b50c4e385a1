import { z } from "zod";
import { isValidEventId, isValidEventType } from "./subjects.js";

export { EVENT_TYPE_PATTERN } from "./subjects.js";

/**
 * Whether `time` names a real instant that is still a four-digit year in UTC
 * (`9999-12-31T23:59:59-23:59` is well-formed but lands in year 10000).
 */
export function isRealInstant(time: string | Date): boolean {
  const date = typeof time === "string" ? new Date(time) : time;
  const ms = date.getTime();
  return !Number.isNaN(ms) && ms >= -62_135_596_800_000 && ms <= 253_402_300_799_999;
}

/** RFC 3339 timestamp with an explicit offset (`Z` or `±hh:mm`), naming a real instant. */
export const timestampSchema = z.iso
  .datetime({ offset: true })
  .refine(isRealInstant, { error: "must name a real instant between years 1 and 9999" });

/**
 * The CloudEvents 1.0 structured-mode envelope every message on `events.>` carries.
 * Extension attributes (lowercase alphanumeric names, per the CloudEvents spec) are allowed
 * and kept, so a consumer built against this schema accepts envelopes from newer producers.
 */
export const envelopeSchema = z.looseObject({
  specversion: z.literal("1.0"),
  id: z.string().refine(isValidEventId, {
    error:
      "must be 1-1024 characters, well-formed, without control characters or surrounding spaces",
  }),
  source: z.string().regex(/^[a-z0-9-]+\/\S+$/, "must be <source>/<account>"),
  type: z.string().refine(isValidEventType, {
    error: "must be dotted lowercase NATS-safe tokens (at most 255 characters)",
  }),
  time: timestampSchema,
  ingesttime: timestampSchema,
  datacontenttype: z.literal("application/json"),
  data: z.record(z.string(), z.unknown()),
  /** Extension: the id of the event whose handler emitted this one (handler chaining). */
  causationid: z.string().min(1).optional(),
});

/** An envelope with its `data` typed. */
export interface EventEnvelope<TType extends string = string, TData = Record<string, unknown>> {
  readonly specversion: "1.0";
  readonly id: string;
  readonly source: string;
  readonly type: TType;
  readonly time: string;
  readonly ingesttime: string;
  readonly datacontenttype: "application/json";
  readonly data: TData;
  readonly causationid?: string;
}

/** What a producer supplies; the rest of the envelope is filled in by {@link createEnvelope}. */
export interface EnvelopeInit<TType extends string, TData> {
  id: string;
  source: string;
  type: TType;
  data: TData;
  /** When the event happened upstream; defaults to `ingestTime`. */
  time?: Date | string;
  /** When the ingester received it; defaults to now. */
  ingestTime?: Date;
  causationId?: string;
}

/** Builds an envelope. Pure apart from reading the clock when no `ingestTime` is given. */
export function createEnvelope<TType extends string, TData>(
  init: EnvelopeInit<TType, TData>,
): EventEnvelope<TType, TData> {
  const ingest = init.ingestTime ?? new Date();
  const time = init.time === undefined ? ingest : init.time;
  return {
    specversion: "1.0",
    id: init.id,
    source: init.source,
    type: init.type,
    time: typeof time === "string" ? time : time.toISOString(),
    ingesttime: ingest.toISOString(),
    datacontenttype: "application/json",
    data: init.data,
    ...(init.causationId === undefined ? {} : { causationid: init.causationId }),
  };
}
