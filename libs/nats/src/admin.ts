import { CHECKPOINTS_BUCKET } from "@castbus/events";
import {
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  jetstream,
  jetstreamManager,
  type ConsumerInfo,
  type JetStreamManager,
  type OrderedConsumerOptions,
  type PurgeOpts,
} from "@nats-io/jetstream";
import { Kvm, type KvEntry } from "@nats-io/kv";
import { connect, type MsgHdrs, type NatsConnection } from "@nats-io/transport-node";
import type { NatsConfig } from "./config.js";
import { connectionOptions } from "./connect.js";

// Operator-side reads and repairs of castbus' streams, consumers and checkpoints (what
// `castbus stats|tail|dlq|checkpoint|replay` need), so tools never touch @nats-io/* themselves.

/** A stream (or the KV bucket behind it) does not exist on this server. */
export class StreamNotFoundError extends Error {
  override readonly name = "StreamNotFoundError";
  readonly retryable = false;
  readonly stream: string;

  constructor(stream: string, cause?: unknown) {
    super(`stream ${stream} does not exist`, cause === undefined ? undefined : { cause });
    this.stream = stream;
  }
}

/** JetStream did not answer: not enabled for this account, or no server answering its API. */
export class JetStreamUnavailableError extends Error {
  override readonly name = "JetStreamUnavailableError";
  /** False when JetStream is not enabled for the account (waiting will not change that). */
  readonly retryable: boolean;

  constructor(message: string, fields: { retryable: boolean; cause?: unknown }) {
    super(message, fields.cause === undefined ? undefined : { cause: fields.cause });
    this.retryable = fields.retryable;
  }
}

/** Where the server is and what it runs. */
export interface ServerInfo {
  readonly url: string;
  readonly version: string;
  readonly name: string;
  readonly id: string;
  readonly jetstream: boolean;
  readonly maxPayload: number;
}

/** Message counts, sizes and time span of a stream. */
export interface StreamStats {
  readonly name: string;
  readonly subjects: readonly string[];
  readonly messages: number;
  readonly bytes: number;
  readonly firstSeq: number;
  readonly lastSeq: number;
  /** Undefined while the stream is empty. */
  readonly firstTime: Date | undefined;
  readonly lastTime: Date | undefined;
  readonly consumers: number;
  readonly maxAgeMs: number;
  readonly duplicateWindowMs: number;
}

/** One consumer's position and backlog. */
export interface ConsumerState {
  readonly stream: string;
  readonly name: string;
  /** False for ephemeral and ordered consumers (tools reading the stream). */
  readonly durable: boolean;
  readonly filterSubjects: readonly string[];
  /** Messages not yet delivered to the consumer. */
  readonly pending: number;
  /** Delivered, not yet acknowledged. */
  readonly ackPending: number;
  readonly redelivered: number;
  /** Stream sequence of the last delivered message (0 = none yet). */
  readonly deliveredSeq: number;
  readonly created: Date;
}

/** A message as stored in a stream, with its headers. */
export interface StreamMessage {
  readonly stream: string;
  readonly subject: string;
  readonly seq: number;
  /** When the stream stored it. */
  readonly time: Date;
  readonly headers: Readonly<Record<string, string>>;
  /** Empty when read with `headersOnly`. */
  readonly data: Uint8Array;
}

/** Where {@link readMessages} starts. */
export type ReadStart =
  | { readonly policy: "all" }
  | { readonly policy: "new" }
  | { readonly policy: "seq"; readonly seq: number }
  | { readonly policy: "time"; readonly time: Date };

/** Options of {@link readMessages}. */
export interface ReadOptions {
  readonly stream: string;
  /** Subject filter (wildcards allowed). Default: every subject. */
  readonly filter?: string;
  /** Default: the first stored message. */
  readonly from?: ReadStart;
  /** Keep waiting for new messages (like `tail -f`) instead of stopping at the end. */
  readonly follow?: boolean;
  /** Skip the payloads (cheap counting by header). */
  readonly headersOnly?: boolean;
  /** Stops the read; the iteration then ends normally. */
  readonly signal?: AbortSignal;
}

/** A checkpoint value with when it was written. */
export interface CheckpointEntry {
  readonly key: string;
  readonly revision: number;
  readonly updated: Date;
  readonly operation: "PUT" | "DEL" | "PURGE";
  /** The parsed JSON value; the raw text when it is not JSON; undefined once deleted. */
  readonly value: unknown;
}

/** Options of {@link connectForTool}. */
export interface ToolConnectOptions {
  /** Connection name shown by the server, e.g. `castbus-cli`. */
  readonly name: string;
  /** Give up on a server that accepts the socket but does not answer. Default 5000 ms. */
  readonly timeoutMs?: number;
}

/**
 * Connects a short-lived tool (the castbus CLI) with the services' auth and TLS settings, but
 * fails at once when no server answers: `connectNats` waits for the first connect forever, as a
 * pod that starts before NATS must, which would leave a command line hanging.
 */
export function connectForTool(
  config: NatsConfig,
  options: ToolConnectOptions,
): Promise<NatsConnection> {
  return connect({
    ...connectionOptions(config, { name: options.name, maxReconnectAttempts: 1 }),
    waitOnFirstConnect: false,
    reconnectTimeWait: 250,
    timeout: options.timeoutMs ?? 5000,
  });
}

/** The connected server's identity and version. */
export function serverInfo(nc: NatsConnection): ServerInfo {
  const info = nc.info;
  return {
    url: nc.getServer(),
    version: info?.version ?? "unknown",
    name: info?.server_name ?? "",
    id: info?.server_id ?? "",
    jetstream: info?.jetstream === true,
    maxPayload: info?.max_payload ?? 0,
  };
}

/** Counts, bytes and first/last times of `stream`. Throws {@link StreamNotFoundError}. */
export async function streamStats(nc: NatsConnection, stream: string): Promise<StreamStats> {
  const info = await adminCall(stream, async () => (await manager(nc)).streams.info(stream));
  const { state, config } = info;
  const empty = state.messages === 0;
  return {
    name: stream,
    subjects: config.subjects ?? [],
    messages: state.messages,
    bytes: state.bytes,
    firstSeq: state.first_seq,
    lastSeq: state.last_seq,
    firstTime: empty ? undefined : new Date(state.first_ts),
    lastTime: empty ? undefined : new Date(state.last_ts),
    consumers: state.consumer_count,
    maxAgeMs: config.max_age / 1_000_000,
    duplicateWindowMs: (config.duplicate_window ?? 0) / 1_000_000,
  };
}

/** Every consumer of `stream` with its backlog. Throws {@link StreamNotFoundError}. */
export async function listConsumers(nc: NatsConnection, stream: string): Promise<ConsumerState[]> {
  return adminCall(stream, async () => {
    const out: ConsumerState[] = [];
    for await (const info of (await manager(nc)).consumers.list(stream)) out.push(toState(info));
    return out.sort((a, b) => a.name.localeCompare(b.name));
  });
}

/** One consumer's state, or `undefined` when it does not exist. */
export async function consumerState(
  nc: NatsConnection,
  stream: string,
  name: string,
): Promise<ConsumerState | undefined> {
  return adminCall(stream, async () => {
    try {
      return toState(await (await manager(nc)).consumers.info(stream, name));
    } catch (error) {
      if (apiCode(error) === JetStreamApiCodes.ConsumerNotFound) return undefined;
      throw error;
    }
  });
}

/** The message at `seq` with its headers, or `undefined` when there is none (deleted, expired). */
export async function getStreamMessage(
  nc: NatsConnection,
  stream: string,
  seq: number,
): Promise<StreamMessage | undefined> {
  const msg = await adminCall(stream, async () =>
    (await manager(nc)).streams.getMessage(stream, { seq }),
  );
  if (msg === null) return undefined;
  return {
    stream,
    subject: msg.subject,
    seq: msg.seq,
    time: msg.time,
    headers: headerRecord(msg.header),
    data: msg.data,
  };
}

/** Removes the message at `seq`; false when it was already gone. */
export async function deleteStreamMessage(
  nc: NatsConnection,
  stream: string,
  seq: number,
): Promise<boolean> {
  return adminCall(stream, async () => {
    try {
      // No secure erase: these are our own records, and overwriting costs a disk rewrite each.
      return await (await manager(nc)).streams.deleteMessage(stream, seq, false);
    } catch (error) {
      if (isNoMessage(error)) return false;
      throw error;
    }
  });
}

/** Which messages {@link purgeStream} removes. */
export interface PurgeOptions {
  /** Only messages on subjects matching this filter. */
  readonly filter?: string;
  /** Only messages before this sequence (what a caller has seen), not ones stored since. */
  readonly beforeSeq?: number;
}

/** Purges the messages of `stream` that `options` select (default: all); returns how many. */
export async function purgeStream(
  nc: NatsConnection,
  stream: string,
  options: PurgeOptions = {},
): Promise<number> {
  const { filter, beforeSeq } = options;
  const request: PurgeOpts | undefined =
    beforeSeq !== undefined
      ? { seq: beforeSeq, ...(filter === undefined ? {} : { filter }) }
      : filter === undefined
        ? undefined
        : { filter };
  const response = await adminCall(stream, async () =>
    (await manager(nc)).streams.purge(stream, request),
  );
  return response.purged;
}

const IDLE_END_MS = 5000;

/**
 * Reads `stream` in order with an ordered consumer (no state left on the server beyond a
 * short-lived ephemeral consumer, deleted when done). Without `follow` the iteration ends at the
 * last message stored when it started; with it, it waits for new ones until `signal` aborts.
 */
export async function* readMessages(
  nc: NatsConnection,
  options: ReadOptions,
): AsyncGenerator<StreamMessage> {
  const { stream, signal } = options;
  const consumer = await adminCall(stream, async () => {
    const js = jetstream(nc);
    const ordered = await js.consumers.get(stream, orderedOptions(options));
    return { ordered, info: await ordered.info(true) };
  });
  if ((!options.follow && consumer.info.num_pending === 0) || signal?.aborted === true) {
    await consumer.ordered.delete().catch(() => undefined);
    return;
  }
  const messages = await consumer.ordered.consume({ max_messages: 256 });
  const stop = () => messages.stop();
  signal?.addEventListener("abort", stop, { once: true });
  // Without follow, messages deleted after the pending count was taken must not leave us waiting.
  let idle: NodeJS.Timeout | undefined;
  const watch = () => {
    clearTimeout(idle);
    if (!options.follow) idle = setTimeout(stop, IDLE_END_MS);
  };
  watch();
  try {
    for await (const msg of messages) {
      watch();
      yield {
        stream,
        subject: msg.subject,
        seq: msg.seq,
        time: msg.time,
        headers: headerRecord(msg.headers),
        data: msg.data,
      };
      if (!options.follow && msg.info.pending === 0) break;
    }
  } finally {
    clearTimeout(idle);
    signal?.removeEventListener("abort", stop);
    messages.stop();
    await consumer.ordered.delete().catch(() => undefined);
  }
}

function orderedOptions(options: ReadOptions): Partial<OrderedConsumerOptions> {
  const from = options.from ?? { policy: "all" };
  const start: Partial<OrderedConsumerOptions> =
    from.policy === "seq"
      ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: from.seq }
      : from.policy === "time"
        ? { deliver_policy: DeliverPolicy.StartTime, opt_start_time: from.time.toISOString() }
        : { deliver_policy: from.policy === "new" ? DeliverPolicy.New : DeliverPolicy.All };
  return {
    ...start,
    // A tool that dies leaves its ephemeral consumer behind only briefly.
    inactive_threshold: 30_000,
    ...(options.filter === undefined ? {} : { filter_subjects: options.filter }),
    ...(options.headersOnly === true ? { headers_only: true } : {}),
  };
}

/** Every key of KV bucket `CHECKPOINTS` with its current value, sorted by key. */
export async function listCheckpoints(
  nc: NatsConnection,
  bucket = CHECKPOINTS_BUCKET,
): Promise<CheckpointEntry[]> {
  return adminCall(`KV_${bucket}`, async () => {
    const kv = await new Kvm(nc).open(bucket, { bindOnly: true });
    const keys: string[] = [];
    for await (const key of await kv.keys()) keys.push(key);
    const entries = await Promise.all(keys.sort().map((key) => kv.get(key)));
    return entries.flatMap((entry) =>
      entry === null || entry.operation !== "PUT" ? [] : [toCheckpoint(entry)],
    );
  });
}

/** The stored revisions of one checkpoint, oldest first (the bucket keeps a few). */
export async function checkpointHistory(
  nc: NatsConnection,
  key: string,
  bucket = CHECKPOINTS_BUCKET,
): Promise<CheckpointEntry[]> {
  return adminCall(`KV_${bucket}`, async () => {
    const kv = await new Kvm(nc).open(bucket, { bindOnly: true });
    const out: CheckpointEntry[] = [];
    for await (const entry of await kv.history({ key })) out.push(toCheckpoint(entry));
    return out;
  });
}

function toCheckpoint(entry: KvEntry): CheckpointEntry {
  let value: unknown;
  if (entry.operation === "PUT") {
    const text = entry.string();
    try {
      value = JSON.parse(text);
    } catch {
      value = text;
    }
  }
  return {
    key: entry.key,
    revision: entry.revision,
    updated: entry.created,
    operation: entry.operation,
    value,
  };
}

function toState(info: ConsumerInfo): ConsumerState {
  const config = info.config;
  const filters = config.filter_subjects ?? (config.filter_subject ? [config.filter_subject] : []);
  return {
    stream: info.stream_name,
    name: info.name,
    durable: config.durable_name !== undefined && config.durable_name !== "",
    filterSubjects: filters,
    pending: info.num_pending,
    ackPending: info.num_ack_pending,
    redelivered: info.num_redelivered,
    deliveredSeq: info.delivered.stream_seq,
    created: new Date(info.created),
  };
}

function headerRecord(headers: MsgHdrs | undefined): Record<string, string> {
  return Object.fromEntries([...(headers ?? [])].map(([k, v]) => [k, v.join(", ")]));
}

function isNoMessage(error: unknown): boolean {
  return (
    apiCode(error) === JetStreamApiCodes.NoMessageFound ||
    (error instanceof Error && /no message found/i.test(error.message))
  );
}

function manager(nc: NatsConnection): Promise<JetStreamManager> {
  return jetstreamManager(nc);
}

function apiCode(error: unknown): number | undefined {
  return error instanceof JetStreamApiError ? error.code : undefined;
}

/** Runs a JetStream call, turning "stream not found" and "no JetStream" into typed errors. */
async function adminCall<T>(stream: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (apiCode(error) === JetStreamApiCodes.StreamNotFound || /stream not found/i.test(message)) {
      throw new StreamNotFoundError(stream, error);
    }
    const disabled =
      apiCode(error) === JetStreamApiCodes.JetStreamNotEnabledForAccount ||
      /jetstream (is )?not enabled/i.test(message);
    if (disabled || /no responders|503/i.test(message)) {
      throw new JetStreamUnavailableError(`JetStream is not available: ${message}`, {
        retryable: !disabled,
        cause: error,
      });
    }
    throw error;
  }
}
