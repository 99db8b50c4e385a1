import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiError,
  jetstream,
  jetstreamManager,
  type ConsumerConfig,
  type Consumer,
  type JsMsg,
} from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { serverAtLeast } from "./connect.js";

/** How long one fetch waits for messages before the loop asks again. */
const FETCH_EXPIRES_MS = 5000;

/** Settings of a worker group's durable pull consumer. */
export interface DurableConsumerOptions {
  stream: string;
  /** Durable name: the worker group. */
  name: string;
  /** Subjects to receive; more than one needs nats-server 2.10. */
  filterSubjects: readonly string[];
  /** Redeliver when not acked within this long. */
  ackWaitMs: number;
  /** Most unacknowledged messages across all replicas of the group. */
  maxAckPending: number;
  /** Where a new group starts: every stored event, only new ones, or from a point in time. */
  deliverFrom: { policy: "all" } | { policy: "new" } | { policy: "time"; time: Date };
}

/** The server cannot give this consumer what it asked for (e.g. several filters on 2.9). */
export class ConsumerConfigError extends Error {
  override readonly name = "ConsumerConfigError";
  readonly retryable = false;
}

/**
 * Creates the durable consumer, or updates the settings that may change on an existing one
 * (ack wait, max ack pending). Where a group starts (`deliverFrom`) only applies on creation.
 * Max deliveries stay unlimited on the server: the worker counts deliveries itself and
 * dead-letters on the last one, so nothing is ever parked silently by the server.
 */
export async function ensureDurableConsumer(
  nc: NatsConnection,
  options: DurableConsumerOptions,
): Promise<"created" | "updated" | "unchanged"> {
  const jsm = await jetstreamManager(nc);
  const filters = filterConfig(nc, options.filterSubjects);
  const editable = {
    ack_wait: options.ackWaitMs * 1_000_000,
    max_ack_pending: options.maxAckPending,
  };
  let existing: ConsumerConfig | undefined;
  try {
    existing = (await jsm.consumers.info(options.stream, options.name)).config;
  } catch (error) {
    if (!(error instanceof JetStreamApiError && error.code === 10014)) throw error; // consumer not found
  }
  if (existing === undefined) {
    await jsm.consumers.add(options.stream, {
      durable_name: options.name,
      ack_policy: AckPolicy.Explicit,
      max_deliver: -1,
      ...startConfig(options.deliverFrom),
      ...filters,
      ...editable,
    });
    return "created";
  }
  if (
    existing.ack_wait === editable.ack_wait &&
    existing.max_ack_pending === editable.max_ack_pending
  ) {
    return "unchanged";
  }
  await jsm.consumers.update(options.stream, options.name, editable);
  return "updated";
}

function filterConfig(nc: NatsConnection, subjects: readonly string[]): Partial<ConsumerConfig> {
  if (subjects.length === 1) return { filter_subject: subjects[0]! };
  if (!serverAtLeast(nc, 2, 10)) {
    throw new ConsumerConfigError(
      `several subjects (${subjects.join(", ")}) need nats-server 2.10+; this server is ${nc.info?.version ?? "unknown"}`,
    );
  }
  return { filter_subjects: [...subjects] };
}

function startConfig(from: DurableConsumerOptions["deliverFrom"]): Partial<ConsumerConfig> {
  if (from.policy === "new") return { deliver_policy: DeliverPolicy.New };
  if (from.policy === "time") {
    return { deliver_policy: DeliverPolicy.StartTime, opt_start_time: from.time.toISOString() };
  }
  return { deliver_policy: DeliverPolicy.All };
}

/** One delivery of a JetStream message to this process. */
export interface Delivery {
  readonly subject: string;
  readonly data: Uint8Array;
  /** 1 on the first delivery, 2 on the first redelivery, ... */
  readonly deliveryCount: number;
  readonly streamSequence: number;
  /** Messages still waiting for the consumer after this one. */
  readonly pending: number;
  header(name: string): string | undefined;
  headers(): Record<string, string>;
  ack(): void;
  /** Ask for redelivery, after `delayMs` when given. */
  nak(delayMs?: number): void;
  /** Never redeliver. */
  term(): void;
  /** Extend the ack deadline (a long handler is still working). */
  working(): void;
}

/**
 * The acks of one event-loop turn, sent together. nats.js flushes its outbound buffer in a
 * microtask after the first command, so acks from handlers that finish in separate promise
 * chains would each cost a socket write — 37% of the worker path's CPU, profiled. Sent from one
 * `setImmediate` they share a write; an ack waits at most one turn of the event loop.
 */
class AckBatch {
  #msgs: JsMsg[] = [];

  add(msg: JsMsg): void {
    if (this.#msgs.push(msg) === 1) setImmediate(this.flush);
  }

  /** Sends the acks collected so far (also before the loop returns, so none is left behind). */
  readonly flush = (): void => {
    const msgs = this.#msgs;
    this.#msgs = [];
    for (const msg of msgs) msg.ack();
  };
}

function toDelivery(msg: JsMsg, acks: AckBatch): Delivery {
  return {
    subject: msg.subject,
    data: msg.data,
    deliveryCount: msg.info.deliveryCount,
    streamSequence: msg.info.streamSequence,
    pending: msg.info.pending,
    header: (name) => (msg.headers?.has(name) === true ? msg.headers.get(name) : undefined),
    headers: () => Object.fromEntries([...(msg.headers ?? [])].map(([k, v]) => [k, v.join(", ")])),
    ack: () => acks.add(msg),
    nak: (delayMs) => msg.nak(delayMs),
    term: () => msg.term(),
    working: () => msg.working(),
  };
}

/** Options of {@link consumeDurable}. */
export interface ConsumeOptions {
  stream: string;
  name: string;
  /** Messages handled at once by this process. */
  concurrency: number;
  /** Stops the loop: no new messages are taken; in-flight ones finish. */
  signal: AbortSignal;
  handle(delivery: Delivery): Promise<void>;
  /** The consumer's ack wait: running handlers' messages get `working()` well within it. */
  ackWaitMs: number;
  /** Run before each (re)start of the pull, e.g. to recreate a consumer that was deleted. */
  ensure?(): Promise<unknown>;
  /** Something worth a log line (missed heartbeats, consumer deleted, restarts). */
  onNotice?(kind: string, detail: string): void;
}

/**
 * Pulls from a durable consumer until `signal` aborts, running up to `concurrency` handlers at
 * once. It fetches only as many messages as it has free slots, so no message waits in a client
 * buffer while its ack deadline runs (a handler slower than the ack wait would otherwise see the
 * messages queued behind it redelivered), and replicas share work fairly. Every running handler's
 * message is kept alive with `working()`. The pull is rebuilt after errors or a lost consumer.
 * Resolves once every started handler has finished.
 */
export async function consumeDurable(nc: NatsConnection, options: ConsumeOptions): Promise<void> {
  const js = jetstream(nc);
  const running = new Map<Promise<void>, JsMsg>();
  const acks = new AckBatch();
  const keepAlive = setInterval(
    () => {
      for (const msg of running.values()) msg.working();
    },
    Math.max(100, Math.floor(options.ackWaitMs / 3)),
  );
  keepAlive.unref();
  try {
    while (!options.signal.aborted) {
      try {
        await options.ensure?.();
        const consumer = await js.consumers.get(options.stream, options.name);
        await pump(consumer, options, running, acks);
      } catch (error) {
        options.onNotice?.("consume_error", (error as Error).message);
        if (!options.signal.aborted) await pause(1000, options.signal);
      }
    }
    await Promise.allSettled([...running.keys()]);
  } finally {
    clearInterval(keepAlive);
    acks.flush();
  }
}

/** Fetches for free slots and starts a handler per message, until aborted or the pull fails. */
async function pump(
  consumer: Consumer,
  options: ConsumeOptions,
  running: Map<Promise<void>, JsMsg>,
  acks: AckBatch,
): Promise<void> {
  while (!options.signal.aborted) {
    const free = options.concurrency - running.size;
    if (free <= 0) {
      await Promise.race(running.keys());
      continue;
    }
    const batch = await consumer.fetch({ max_messages: free, expires: FETCH_EXPIRES_MS });
    const stop = () => batch.stop();
    options.signal.addEventListener("abort", stop, { once: true });
    try {
      for await (const msg of batch) {
        if (options.signal.aborted) {
          msg.nak(); // arrived as we stopped: hand it straight back to the other replicas
          continue;
        }
        const run: Promise<void> = options
          .handle(toDelivery(msg, acks))
          .catch((error: unknown) => options.onNotice?.("handler_crash", (error as Error).message))
          .finally(() => running.delete(run));
        running.set(run, msg);
      }
    } finally {
      options.signal.removeEventListener("abort", stop);
    }
  }
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

/** Pending (not yet delivered) and ack-pending counts of a consumer. */
export async function consumerLag(
  nc: NatsConnection,
  stream: string,
  name: string,
): Promise<{ pending: number; ackPending: number }> {
  const jsm = await jetstreamManager(nc);
  const info = await jsm.consumers.info(stream, name);
  return { pending: info.num_pending, ackPending: info.num_ack_pending };
}
