import {
  createEnvelope,
  dataSchemaFor,
  describeIssues,
  isRealInstant,
  isValidEventId,
  subjectForType,
  timestampSchema,
} from "@castbus/events";
import type { Publisher, PublishAck } from "@castbus/nats";
import type { Logger, Metrics } from "@castbus/telemetry";
import { ingestDeadLetter } from "./dead-letter.js";
import { OrderedAcks } from "./ordered-acks.js";
import type { MapResult, MappedEvent, Rejection, SourceBase, UpstreamRecord } from "./source.js";

/** What a {@link SourceChannel} needs from the process. */
export interface ChannelDeps {
  readonly publisher: Publisher;
  readonly metrics: Metrics;
  readonly logger: Logger;
  /** The server's max payload (dead letters are cut to fit). */
  readonly maxPayload: number;
}

/**
 * One source's path into JetStream: map → validate → envelope → publish, or dead-letter with
 * the raw bytes. Publishes overlap (the publisher's window); `onSafe` receives each cursor once
 * every publish started before its {@link mark} has been acknowledged.
 */
export class SourceChannel<C> {
  readonly #deps: ChannelDeps;
  readonly #source: SourceBase;
  readonly #sourceId: string;
  readonly #acks = new OrderedAcks<C>();
  readonly #onSafe: (cursor: C) => void;

  constructor(deps: ChannelDeps, source: SourceBase, onSafe: (cursor: C) => void) {
    this.#deps = deps;
    this.#source = source;
    this.#sourceId = `${source.name}/${source.account}`;
    this.#onSafe = onSafe;
  }

  /** Publishes still waiting for their ack. */
  get outstanding(): number {
    return this.#acks.outstanding;
  }

  /**
   * Takes one record. While the publish window has room the publish starts synchronously and
   * nothing is returned — so a batch goes out in one run of the event loop and nats.js writes
   * it to the socket in a few large writes; when the window is full the returned promise
   * resolves once the record is under way.
   */
  ingest(record: UpstreamRecord): Promise<void> | undefined {
    const publisher = this.#deps.publisher;
    if (!publisher.hasCapacity)
      return publisher.waitForCapacity().then(() => this.#ingestNow(record));
    this.#ingestNow(record);
    return undefined;
  }

  #ingestNow(record: UpstreamRecord): void {
    const publisher = this.#deps.publisher;
    const result = this.#map(record);
    if (!result.ok) {
      this.#startDeadLetter(rawOf(record), result);
      return;
    }
    const { event } = result;
    const problem = envelopeProblem(event);
    if (problem !== undefined) {
      this.#startDeadLetter(rawOf(record), { ...problem, upstreamId: event.id });
      return;
    }
    const schema = dataSchemaFor(event.type);
    const parsed = schema?.safeParse(event.data);
    if (parsed === undefined || !parsed.success) {
      const message =
        parsed === undefined ? `unknown event type ${event.type}` : describeIssues(parsed.error);
      this.#startDeadLetter(rawOf(record), { reason: "schema", message, upstreamId: event.id });
      return;
    }
    const envelope = createEnvelope({
      id: event.id,
      source: this.#sourceId,
      type: event.type,
      data: parsed.data as Record<string, unknown>,
      ingestTime: record.receivedTime,
      ...(event.time === undefined ? {} : { time: event.time }),
    });
    const seq = this.#acks.start();
    publisher.send(
      {
        subject: subjectForType(event.type),
        data: Buffer.from(JSON.stringify(envelope)),
        msgId: event.id,
      },
      (error, ack) =>
        error === undefined
          ? this.#published(seq, event.type, record, ack!)
          : this.#publishFailed(seq, record, event.id, error),
    );
  }

  /** Dead-letters a payload that never became a record; resolves once it is under way. */
  async deadLetter(raw: string | Uint8Array, rejection: Rejection): Promise<void> {
    const publisher = this.#deps.publisher;
    if (!publisher.hasCapacity) await publisher.waitForCapacity();
    this.#startDeadLetter(raw, rejection);
  }

  /** `cursor` becomes safe once every publish started so far is acknowledged. */
  mark(cursor: C): void {
    const safe = this.#acks.mark(cursor);
    if (safe !== undefined) this.#onSafe(safe);
  }

  #map(record: UpstreamRecord): MapResult {
    if (record.rejection !== undefined) return { ok: false, ...record.rejection };
    try {
      return this.#source.toEvent(record);
    } catch (error) {
      return { ok: false, reason: "mapping_error", message: (error as Error).message };
    }
  }

  #published(seq: number, type: string, record: UpstreamRecord, ack: PublishAck): void {
    const { metrics } = this.#deps;
    const source = this.#source.name;
    if (ack.duplicate) metrics.eventsDuplicates.inc({ source });
    else metrics.eventsPublished.inc({ source, type });
    metrics.ingestLatency.observe({ source }, (performance.now() - record.receivedAt) / 1000);
    this.#settle(seq);
  }

  #publishFailed(seq: number, record: UpstreamRecord, id: string, error: Error): void {
    // Closed mid-publish (shutdown): leave it unsettled so the cursor stays before it.
    if (isRetryable(error)) return;
    this.#deps.logger.error(
      { err: error, eventId: id },
      "JetStream refused an event; dead-lettering it",
    );
    this.#startDeadLetter(
      rawOf(record),
      { reason: "publish_failed", message: error.message, upstreamId: id },
      seq,
    );
  }

  /** Publishes a dead letter; `seq` (when given) is the publish it replaces, settled when it lands. */
  #startDeadLetter(raw: string | Uint8Array, rejection: Rejection, replacing?: number): void {
    const { metrics, logger, publisher, maxPayload } = this.#deps;
    const seq = replacing ?? this.#acks.start();
    metrics.eventsRejected.inc({ source: this.#source.name, reason: rejection.reason });
    logger.warn(
      { reason: rejection.reason, upstreamId: rejection.upstreamId, detail: rejection.message },
      "upstream record rejected; dead-lettered",
    );
    publisher.publish(ingestDeadLetter(this.#source, raw, rejection, maxPayload)).then(
      () => this.#settle(seq),
      (error: Error) => {
        if (isRetryable(error)) return; // shutdown: the cursor stays before this record
        // Nothing more can be done for this record; say so loudly rather than block the source.
        metrics.eventsRejected.inc({ source: this.#source.name, reason: "dead_letter_failed" });
        logger.error({ err: error, reason: rejection.reason }, "dead letter could not be stored");
        this.#settle(seq);
      },
    );
  }

  #settle(seq: number): void {
    const safe = this.#acks.settle(seq);
    if (safe !== undefined) this.#onSafe(safe);
  }
}

function isRetryable(error: Error): boolean {
  return (error as { retryable?: unknown }).retryable === true;
}

/**
 * The record's bytes for its dead letter. A source may produce them lazily (re-serializing a
 * parsed item); when even that fails (nesting too deep for the serializer) the dead letter still
 * goes out, saying why its body is not the original.
 */
function rawOf(record: UpstreamRecord): string | Uint8Array {
  try {
    return record.raw;
  } catch (error) {
    return `[castbus: the record's bytes could not be reproduced: ${(error as Error).message}]`;
  }
}

/** What the envelope's own fields would get wrong: an id NATS cannot carry, a time that is no instant. */
function envelopeProblem(event: MappedEvent): Rejection | undefined {
  if (!isValidEventId(event.id)) {
    return {
      reason: "invalid_id",
      message:
        "the event id cannot be an envelope id (length, control characters, surrounding spaces)",
    };
  }
  const time = event.time;
  if (time === undefined) return undefined;
  const ok =
    typeof time === "string" ? timestampSchema.safeParse(time).success : isRealInstant(time);
  return ok
    ? undefined
    : {
        reason: "invalid_time",
        message: `the event time ${JSON.stringify(String(time)).slice(0, 80)} is not a real RFC 3339 instant`,
      };
}
