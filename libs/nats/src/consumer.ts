import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiError,
  jetstream,
  jetstreamManager,
  type ConsumerConfig,
  type ConsumerMessages,
  type JsMsg,
} from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { serverAtLeast } from "./connect.js";

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

function toDelivery(msg: JsMsg): Delivery {
  return {
    subject: msg.subject,
    data: msg.data,
    deliveryCount: msg.info.deliveryCount,
    streamSequence: msg.info.streamSequence,
    pending: msg.info.pending,
    header: (name) => (msg.headers?.has(name) === true ? msg.headers.get(name) : undefined),
    headers: () => Object.fromEntries([...(msg.headers ?? [])].map(([k, v]) => [k, v.join(", ")])),
    ack: () => msg.ack(),
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
  /** Run before each (re)start of the pull, e.g. to recreate a consumer that was deleted. */
  ensure?(): Promise<unknown>;
  /** Something worth a log line (missed heartbeats, consumer deleted, restarts). */
  onNotice?(kind: string, detail: string): void;
}

/**
 * Pulls from a durable consumer until `signal` aborts, running up to `concurrency` handlers at
 * once. The client buffer is kept at `concurrency` messages so replicas share work fairly and a
 * crashed replica strands few messages. The pull loop is recreated after missed heartbeats or a
 * lost consumer (nats.node #570, #649). Resolves once every started handler has finished.
 */
export async function consumeDurable(nc: NatsConnection, options: ConsumeOptions): Promise<void> {
  const js = jetstream(nc);
  const inFlight = new Set<Promise<void>>();
  while (!options.signal.aborted) {
    try {
      await options.ensure?.();
      const consumer = await js.consumers.get(options.stream, options.name);
      const messages = await consumer.consume({ max_messages: Math.max(1, options.concurrency) });
      await pump(messages, options, inFlight);
    } catch (error) {
      options.onNotice?.("consume_error", (error as Error).message);
    }
    if (!options.signal.aborted) await pause(1000, options.signal);
  }
  await Promise.allSettled([...inFlight]);
}

async function pump(
  messages: ConsumerMessages,
  options: ConsumeOptions,
  inFlight: Set<Promise<void>>,
): Promise<void> {
  const stop = () => messages.stop();
  options.signal.addEventListener("abort", stop, { once: true });
  void watchStatus(messages, options);
  try {
    for await (const msg of messages) {
      if (options.signal.aborted) {
        msg.nak(); // buffered but not started: hand it straight back to the other replicas
        continue;
      }
      while (inFlight.size >= options.concurrency) await Promise.race(inFlight);
      const run: Promise<void> = options
        .handle(toDelivery(msg))
        .catch((error: unknown) => options.onNotice?.("handler_crash", (error as Error).message))
        .finally(() => inFlight.delete(run));
      inFlight.add(run);
    }
  } finally {
    options.signal.removeEventListener("abort", stop);
  }
}

async function watchStatus(messages: ConsumerMessages, options: ConsumeOptions): Promise<void> {
  for await (const status of messages.status()) {
    if (status.type === "heartbeats_missed" && status.count >= 2) {
      options.onNotice?.("heartbeats_missed", `missed ${status.count} heartbeats; restarting pull`);
      messages.stop();
    } else if (status.type === "consumer_deleted" || status.type === "consumer_not_found") {
      options.onNotice?.(status.type, `consumer ${options.name} is gone; restarting pull`);
      messages.stop();
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
