import {
  jetstreamManager,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  DiscardPolicy,
  type JetStreamManager,
  type StreamConfig as JsStreamConfig,
} from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/transport-node";
import { CHECKPOINTS_BUCKET, DEAD_LETTERS_STREAM, EVENTS_STREAM } from "@castbus/events";
import type { StreamConfig } from "./config.js";
import { ProvisionError } from "./errors.js";

const NS_PER_MS = 1_000_000;
const STREAM_NAME_IN_USE = 10058;

/** Options of {@link provision}; defaults are DESIGN.md's. */
export type ProvisionOptions = StreamConfig;

/** What {@link provision} did, per resource. */
export interface ProvisionReport {
  events: "created" | "updated" | "unchanged";
  deadLetters: "created" | "updated" | "unchanged";
  checkpoints: "created" | "existing";
  /** When stream EVENTS was created: a different value after a reconnect means the server lost its store. */
  eventsCreated: string;
}

/**
 * Creates or updates stream `EVENTS` (`events.>`), stream `DEAD_LETTERS` (`dlq.>`) and KV bucket
 * `CHECKPOINTS`. Idempotent and safe to run from many processes at once: every service runs it at
 * start. Settings castbus does not manage (placement, mirrors, ...) are left as they are.
 */
export async function provision(
  nc: NatsConnection,
  options: ProvisionOptions,
): Promise<ProvisionReport> {
  const jsm = await jetstreamManager(nc);
  const maxAgeNs = options.EVENTS_MAX_AGE_S * 1000 * NS_PER_MS;
  const events = await ensureStream(jsm, {
    name: EVENTS_STREAM,
    subjects: ["events.>"],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    max_age: maxAgeNs,
    max_bytes: options.EVENTS_MAX_BYTES,
    num_replicas: options.EVENTS_REPLICAS,
    duplicate_window: duplicateWindowNs(
      options.EVENTS_DUPLICATE_WINDOW_S,
      options.EVENTS_MAX_AGE_S,
    ),
  });
  const deadLetters = await ensureStream(jsm, {
    name: DEAD_LETTERS_STREAM,
    subjects: ["dlq.>"],
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    max_age: options.DEAD_LETTERS_MAX_AGE_S * 1000 * NS_PER_MS,
    max_bytes: -1,
    num_replicas: options.EVENTS_REPLICAS,
    duplicate_window: duplicateWindowNs(120, options.DEAD_LETTERS_MAX_AGE_S),
  });
  const checkpoints = await ensureBucket(nc, options.EVENTS_REPLICAS);
  const eventsCreated = (await jsm.streams.info(EVENTS_STREAM)).created;
  return { events, deadLetters, checkpoints, eventsCreated };
}

/** JetStream refuses a duplicate window longer than max_age: clamp it (0 = no age limit). */
function duplicateWindowNs(windowS: number, maxAgeS: number): number {
  const seconds = maxAgeS === 0 ? windowS : Math.min(windowS, maxAgeS);
  return seconds * 1000 * NS_PER_MS;
}

type Managed = Pick<
  JsStreamConfig,
  | "name"
  | "subjects"
  | "storage"
  | "retention"
  | "discard"
  | "max_age"
  | "max_bytes"
  | "num_replicas"
  | "duplicate_window"
>;

async function ensureStream(
  jsm: JetStreamManager,
  wanted: Managed,
): Promise<"created" | "updated" | "unchanged"> {
  const current = await streamConfig(jsm, wanted.name);
  if (current === undefined) {
    try {
      await jsm.streams.add(wanted);
      return "created";
    } catch (error) {
      // Another process created it between our lookup and add: fall through to update.
      if (!(error instanceof JetStreamApiError && error.code === STREAM_NAME_IN_USE)) {
        throw provisionError(`creating stream ${wanted.name}`, error);
      }
      return ensureStream(jsm, wanted);
    }
  }
  const subjects = [...new Set([...(current.subjects ?? []), ...(wanted.subjects ?? [])])];
  const differs =
    subjects.length !== (current.subjects ?? []).length ||
    current.max_age !== wanted.max_age ||
    current.max_bytes !== wanted.max_bytes ||
    current.num_replicas !== wanted.num_replicas ||
    current.duplicate_window !== wanted.duplicate_window;
  if (!differs) return "unchanged";
  if (current.storage !== wanted.storage) {
    throw new ProvisionError(
      `stream ${wanted.name} exists with ${current.storage} storage; castbus needs file`,
      {
        retryable: false,
      },
    );
  }
  try {
    await jsm.streams.update(wanted.name, {
      subjects,
      max_age: wanted.max_age,
      max_bytes: wanted.max_bytes,
      num_replicas: wanted.num_replicas,
      duplicate_window: wanted.duplicate_window,
    });
    return "updated";
  } catch (error) {
    throw provisionError(`updating stream ${wanted.name}`, error);
  }
}

async function streamConfig(
  jsm: JetStreamManager,
  name: string,
): Promise<JsStreamConfig | undefined> {
  try {
    return (await jsm.streams.info(name)).config;
  } catch (error) {
    if (error instanceof JetStreamApiError && error.code === 10059) return undefined; // stream not found
    if (error instanceof Error && /stream not found/i.test(error.message)) return undefined;
    throw provisionError(`looking up stream ${name}`, error);
  }
}

async function ensureBucket(nc: NatsConnection, replicas: number): Promise<"created" | "existing"> {
  const jsm = await jetstreamManager(nc);
  if ((await streamConfig(jsm, `KV_${CHECKPOINTS_BUCKET}`)) !== undefined) return "existing";
  try {
    await new Kvm(nc).create(CHECKPOINTS_BUCKET, { history: 5, replicas, storage: "file" });
    return "created";
  } catch (error) {
    // Created concurrently by another process: then it exists now.
    if ((await streamConfig(jsm, `KV_${CHECKPOINTS_BUCKET}`)) !== undefined) return "existing";
    throw provisionError(`creating KV bucket ${CHECKPOINTS_BUCKET}`, error);
  }
}

function provisionError(what: string, cause: unknown): ProvisionError {
  const message = cause instanceof Error ? cause.message : String(cause);
  const retryable =
    !(cause instanceof JetStreamApiError) || cause.code >= 500 || /timeout/i.test(message);
  return new ProvisionError(`${what}: ${message}`, { retryable, cause });
}
