import {
  headers as natsHeaders,
  nuid,
  type Msg,
  type MsgHdrs,
  type NatsConnection,
  type Subscription,
} from "@nats-io/transport-node";
import { PublishError, PublisherClosedError } from "./errors.js";

/** One message for JetStream. `msgId` becomes `Nats-Msg-Id`, so a resend is deduplicated. */
export interface PublishMessage {
  readonly subject: string;
  readonly data: Uint8Array;
  readonly msgId: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** JetStream's acknowledgement of a stored (or deduplicated) message. */
export interface PublishAck {
  readonly stream: string;
  readonly seq: number;
  /** True when the stream already held a message with this `msgId` (nothing new was stored). */
  readonly duplicate: boolean;
}

/**
 * A subject whose PUB line would pass the server's 4 KiB control-line limit makes the server
 * drop the connection — and the publisher would resend it after every reconnect. Refuse it.
 */
const MAX_SUBJECT_LENGTH = 1024;

/** The headers of one message; throws for a subject or header the protocol cannot carry. */
function messageHeaders(msg: PublishMessage): MsgHdrs {
  if (msg.subject.length > MAX_SUBJECT_LENGTH)
    throw new RangeError(`subject longer than ${MAX_SUBJECT_LENGTH} characters`);
  const headers = natsHeaders();
  headers.set("Nats-Msg-Id", msg.msgId); // throws for CR/LF in the value
  if (msg.headers !== undefined) {
    for (const [key, value] of Object.entries(msg.headers)) headers.set(key, value);
  }
  return headers;
}

/** Told the outcome of one publish: an error, or (error undefined) the ack. */
export type PublishCallback = (error: Error | undefined, ack?: PublishAck) => void;

/** Why an attempt is being retried. */
export type RetryReason = "timeout" | "no_responders" | "disconnected" | "stream_unavailable";

/** Options of {@link Publisher}. */
export interface PublisherOptions {
  /** Most publishes awaiting their ack at once (see {@link Publisher.hasCapacity}). Default 1024. */
  maxInFlight?: number;
  /** Resend (same msg id) when no ack came within this long. Default 5000 ms. */
  ackTimeoutMs?: number;
  /** Called for every attempt that failed and will be retried (metrics, logs). */
  onRetry?: (reason: RetryReason, subject: string) => void;
}

interface Pending {
  readonly msg: PublishMessage;
  readonly headers: MsgHdrs;
  readonly reply: string;
  readonly done: PublishCallback;
  /** When to act next: the ack deadline once sent, the retry time while waiting. */
  deadline: number;
  sent: boolean;
  attempts: number;
}

const NO_RESPONDERS_MIN_MS = 250;
const NO_RESPONDERS_MAX_MS = 5000;

/**
 * Publishes into JetStream the way the Go client's async publish does: plain publishes with a
 * reply subject on one shared inbox subscription, acks matched by reply token. Many publishes
 * are in flight at once (never one round trip per message); every publish's promise settles
 * exactly once — with its ack, or with a {@link PublishError} that cannot be helped by retrying.
 * Timeouts, "no responders" (stream missing) and disconnects are retried with the same
 * `Nats-Msg-Id`, so a retry never stores a duplicate inside the stream's duplicate window.
 */
export class Publisher {
  readonly #nc: NatsConnection;
  readonly #prefix: string;
  readonly #maxInFlight: number;
  readonly #ackTimeoutMs: number;
  readonly #onRetry: PublisherOptions["onRetry"];
  readonly #pending = new Map<string, Pending>();
  readonly #sub: Subscription;
  readonly #timer: NodeJS.Timeout;
  #capacityWaiters: (() => void)[] = [];
  #idleWaiters: (() => void)[] = [];
  #connected = true;
  #closed = false;
  #counter = 0;

  constructor(nc: NatsConnection, options: PublisherOptions = {}) {
    this.#nc = nc;
    this.#maxInFlight = options.maxInFlight ?? 1024;
    this.#ackTimeoutMs = options.ackTimeoutMs ?? 5000;
    this.#onRetry = options.onRetry;
    this.#prefix = `_INBOX.${nuid.next()}.`;
    this.#sub = nc.subscribe(`${this.#prefix}*`, { callback: (_err, msg) => this.#onAck(msg) });
    const tick = Math.max(20, Math.min(250, Math.floor(this.#ackTimeoutMs / 4)));
    this.#timer = setInterval(() => this.#sweep(), tick);
    this.#timer.unref();
    void this.#followConnection();
  }

  /** Publishes awaiting their ack. */
  get inFlight(): number {
    return this.#pending.size;
  }

  /** Whether another publish fits in the window. Check it before each publish. */
  get hasCapacity(): boolean {
    return this.#pending.size < this.#maxInFlight;
  }

  /** Resolves when the window has room. */
  waitForCapacity(): Promise<void> {
    if (this.hasCapacity) return Promise.resolve();
    return new Promise((resolve) => this.#capacityWaiters.push(resolve));
  }

  /**
   * Sends `msg` now and returns its ack. Callers keep the window by checking
   * {@link hasCapacity} (or awaiting {@link waitForCapacity}) first; the publisher does not queue.
   */
  publish(msg: PublishMessage): Promise<PublishAck> {
    return new Promise<PublishAck>((resolve, reject) =>
      this.send(msg, (error, ack) => (error === undefined ? resolve(ack!) : reject(error))),
    );
  }

  /**
   * {@link publish} for hot paths: `done` is called exactly once, with the ack or the error —
   * no promise per message.
   */
  send(msg: PublishMessage, done: PublishCallback): void {
    if (this.#closed) {
      done(new PublisherClosedError("publisher is closed"));
      return;
    }
    let headers: MsgHdrs;
    try {
      headers = messageHeaders(msg);
    } catch (error) {
      done(
        new PublishError(`cannot publish to ${msg.subject}: ${(error as Error).message}`, {
          subject: msg.subject,
          retryable: false,
          cause: error,
        }),
      );
      return;
    }
    const token = (this.#counter++).toString(36);
    const pending: Pending = {
      msg,
      headers,
      reply: this.#prefix + token,
      done,
      deadline: 0,
      sent: false,
      attempts: 0,
    };
    this.#pending.set(token, pending);
    this.#send(token, pending);
  }

  /** Resolves when every publish so far has settled. */
  flush(): Promise<void> {
    if (this.#pending.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /**
   * Waits up to `timeoutMs` for outstanding acks, then stops; publishes still unacknowledged are
   * rejected with {@link PublisherClosedError} (retryable: their msg ids make a later resend safe).
   */
  async close(timeoutMs = 5000): Promise<void> {
    if (this.#closed) return;
    await Promise.race([this.flush(), new Promise((r) => setTimeout(r, timeoutMs).unref())]);
    this.#closed = true;
    clearInterval(this.#timer);
    this.#sub.unsubscribe();
    for (const [token, pending] of this.#pending) {
      this.#settle(token);
      pending.done(
        new PublisherClosedError(`closed before ${pending.msg.subject} was acknowledged`),
      );
    }
  }

  #send(token: string, pending: Pending): void {
    if (!this.#connected || this.#nc.isClosed()) {
      pending.sent = false;
      pending.deadline = 0;
      return;
    }
    try {
      this.#nc.publish(pending.msg.subject, pending.msg.data, {
        reply: pending.reply,
        headers: pending.headers,
      });
    } catch (error) {
      this.#settle(token);
      pending.done(
        new PublishError(`cannot publish to ${pending.msg.subject}: ${(error as Error).message}`, {
          subject: pending.msg.subject,
          retryable: false,
          cause: error,
        }),
      );
      return;
    }
    pending.sent = true;
    pending.attempts += 1;
    pending.deadline = Date.now() + this.#ackTimeoutMs;
  }

  #onAck(msg: Msg): void {
    const token = msg.subject.slice(this.#prefix.length);
    const pending = this.#pending.get(token);
    if (pending === undefined) return; // a late ack of an attempt that was already answered
    if (msg.headers?.hasError === true || msg.data.length === 0) {
      this.#retryLater(pending, msg.headers?.code === 503 ? "no_responders" : "stream_unavailable");
      return;
    }
    let ack: {
      stream?: string;
      seq?: number;
      duplicate?: boolean;
      error?: { code?: number; err_code?: number; description?: string };
    };
    try {
      ack = msg.json();
    } catch {
      this.#retryLater(pending, "stream_unavailable");
      return;
    }
    if (ack.error !== undefined) {
      if (ack.error.code === 503) {
        this.#retryLater(pending, "stream_unavailable");
        return;
      }
      this.#settle(token);
      pending.done(
        new PublishError(
          `JetStream refused ${pending.msg.subject}: ${ack.error.description ?? "error"}`,
          {
            subject: pending.msg.subject,
            retryable: false,
            ...(ack.error.err_code === undefined ? {} : { code: ack.error.err_code }),
          },
        ),
      );
      return;
    }
    this.#settle(token);
    pending.done(undefined, {
      stream: ack.stream ?? "",
      seq: ack.seq ?? 0,
      duplicate: ack.duplicate === true,
    });
  }

  #retryLater(pending: Pending, reason: RetryReason): void {
    this.#onRetry?.(reason, pending.msg.subject);
    pending.sent = false;
    const delay = Math.min(
      NO_RESPONDERS_MAX_MS,
      NO_RESPONDERS_MIN_MS * 2 ** Math.min(pending.attempts, 5),
    );
    pending.deadline = Date.now() + delay;
  }

  #sweep(): void {
    const now = Date.now();
    for (const [token, pending] of this.#pending) {
      if (pending.deadline > now) continue;
      if (pending.sent) this.#onRetry?.("timeout", pending.msg.subject);
      this.#send(token, pending);
    }
  }

  #settle(token: string): void {
    this.#pending.delete(token);
    if (this.#capacityWaiters.length > 0 && this.hasCapacity) {
      const waiters = this.#capacityWaiters;
      this.#capacityWaiters = [];
      for (const wake of waiters) wake();
    }
    if (this.#pending.size === 0 && this.#idleWaiters.length > 0) {
      const waiters = this.#idleWaiters;
      this.#idleWaiters = [];
      for (const wake of waiters) wake();
    }
  }

  async #followConnection(): Promise<void> {
    for await (const status of this.#nc.status()) {
      if (status.type === "disconnect") {
        this.#connected = false;
      } else if (status.type === "reconnect") {
        this.#connected = true;
        // Whatever was in flight when the link dropped may be lost: resend it all (same ids).
        for (const pending of this.#pending.values()) {
          if (pending.sent) this.#onRetry?.("disconnected", pending.msg.subject);
          pending.sent = false;
          pending.deadline = 0;
        }
        this.#sweep();
      }
    }
  }
}
