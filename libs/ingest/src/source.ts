import type { Backoff } from "@castbus/http";

/** One record as the upstream sent it, before validation. */
export interface UpstreamRecord {
  /** The record's bytes as received (kept verbatim when it is dead-lettered). */
  readonly raw: string | Uint8Array;
  /** The parsed value, when the source parsed a whole batch already (saves a second parse). */
  readonly value?: unknown;
  /** `performance.now()` when the record arrived (ingest latency starts here). */
  readonly receivedAt: number;
  /** Wall-clock receive time (the envelope's `ingesttime`). */
  readonly receivedTime: Date;
  /**
   * Set when the source already knows the record is no event (its bytes are not valid UTF-8,
   * say): it is dead-lettered with this reason, without mapping.
   */
  readonly rejection?: Rejection;
}

/** An event a source mapped from a record; the runner adds `source`, `ingesttime` and the rest. */
export interface MappedEvent {
  /** Deterministic from the upstream's own identity: the same upstream event, the same id. */
  readonly id: string;
  readonly type: string;
  /** When it happened upstream; the receive time when the upstream gives none. */
  readonly time?: Date | string;
  readonly data: Record<string, unknown>;
}

/** Why a record is not an event; it is dead-lettered with this reason. */
export interface Rejection {
  /** Short machine-readable code: `invalid_json`, `unknown_type`, `invalid_payload`, ... */
  readonly reason: string;
  /** What was wrong, for the operator (never holds a secret). */
  readonly message: string;
  /** The upstream's id for the record, when it had one. */
  readonly upstreamId?: string;
}

/** Outcome of mapping one record. */
export type MapResult =
  { readonly ok: true; readonly event: MappedEvent } | ({ readonly ok: false } & Rejection);

/** What every source has: identity and the pure mapping of one record. */
export interface SourceBase {
  /** Source name, the first token of its event types: `chaturbate`. */
  readonly name: string;
  /** The account (broadcaster, channel, instance) this source reads; `source` = `name/account`. */
  readonly account: string;
  /** Maps one record to an event, or says why it cannot. Pure: no I/O, no clock reads needed. */
  toEvent(record: UpstreamRecord): MapResult;
}

/** A batch read from a pull source. */
export interface PullBatch<C> {
  readonly records: readonly UpstreamRecord[];
  /** Where to read next; committed as the checkpoint once every record of the batch is acked. */
  readonly next: C;
  /** Set when the saved cursor no longer worked and the source restarted from the upstream's latest events. */
  readonly cursorReset?: string;
  /** Something odd about this batch worth a warning (e.g. an unusable `nextUrl`). */
  readonly warning?: string;
}

/**
 * A source the runner polls: cursor in, batch out. Generic work — retries, backoff, publishing,
 * checkpoints, metrics, shutdown — is the runner's; a pull source only reads and maps.
 */
export interface PullSource<C> extends SourceBase {
  readonly kind: "pull";
  /** Backoff for upstream failures (defaults to 1 s ×2 up to 30 s). */
  readonly backoff?: Backoff;
  /**
   * Reads the batch after `cursor` (`undefined`: nothing saved yet). Throws typed errors:
   * `retryable: true` to be retried with backoff, `kind: "auth"` to stop, and
   * {@link MalformedResponseError} for a body that must be dead-lettered.
   */
  read(cursor: C | undefined, signal: AbortSignal): Promise<PullBatch<C>>;
}

/** What a push source hands its events to. */
export interface PushSink {
  /** Hands over one record; resolves when it is accepted (the publish window applies backpressure). */
  emit(record: UpstreamRecord): Promise<void>;
  /** Dead-letters a payload that could not even be split into records (a frame that is not JSON). */
  reject(raw: string | Uint8Array, rejection: Rejection): Promise<void>;
  /** Reports whether the upstream is reachable and authorized (readiness, `castbus_upstream_ready`). */
  setUpstream(ok: boolean, reason?: string): void;
  /** Counts one upstream request or session attempt by outcome (`castbus_upstream_requests_total`). */
  countRequest(outcome: string): void;
}

/**
 * A source that keeps a session open and is sent events (WebSocket). It owns its protocol's
 * reconnects; the runner owns publishing, metrics and shutdown.
 */
export interface PushSource extends SourceBase {
  readonly kind: "push";
  /** Runs until `signal` aborts (resolve) or a failure retrying cannot fix (throw with `kind: "auth"` or `fatal`). */
  run(sink: PushSink, signal: AbortSignal): Promise<void>;
}

/** Any source the runner can drive. */
export type Source = PullSource<unknown> | PushSource;
