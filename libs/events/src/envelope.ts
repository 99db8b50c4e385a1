import { z } from "zod";

/** A NATS-safe dotted event type: lowercase tokens of `[a-z0-9_-]`, e.g. `twitch.chat.message`. */
export const EVENT_TYPE_PATTERN = /^[a-z0-9_-]+(\.[a-z0-9_-]+)+$/;

/** RFC 3339 timestamp with an explicit offset (`Z` or `±hh:mm`). */
export const timestampSchema = z.iso.datetime({ offset: true });

/**
 * The CloudEvents 1.0 structured-mode envelope every message on `events.>` carries.
 * Extension attributes (lowercase alphanumeric names, per the CloudEvents spec) are allowed
 * and kept, so a consumer built against this schema accepts envelopes from newer producers.
 */
export const envelopeSchema = z.looseObject({
  specversion: z.literal("1.0"),
  id: z.string().min(1).max(1024),
  source: z.string().regex(/^[a-z0-9-]+\/\S+$/, "must be <source>/<account>"),
  type: z.string().regex(EVENT_TYPE_PATTERN, "must be dotted lowercase NATS-safe tokens"),
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
