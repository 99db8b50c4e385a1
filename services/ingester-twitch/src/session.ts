import type { Backoff } from "@castbus/http";
import { FatalSourceError, type PushSink } from "@castbus/ingest";
import type { Logger } from "@castbus/telemetry";
import { ENDING_HINTS, EventSubConnection, type ConnectionEnd } from "./connection.js";
import { serveAcrossHandOffs } from "./handoff.js";
import { SessionLostError, TokenError } from "./errors.js";
import type { Helix } from "./helix.js";
import { Member } from "./member.js";
import { planMember } from "./plan.js";
import { Router } from "./router.js";
import { deleteStale, subscribeMember, type SubscriberDeps } from "./subscriber.js";
import type { Tokens } from "./tokens.js";
import type { SubscriptionType } from "./upstream.js";
import { MAX_TOTAL_COST } from "./config.js";

/** Settings of the shared session. */
export interface EventSubSessionOptions {
  /** The EventSub WebSocket URL, `keepalive_timeout_seconds` included when configured. */
  readonly url: string;
  readonly types: readonly SubscriptionType[];
  readonly tokens: Tokens;
  readonly helix: Helix;
  readonly logger: Logger;
  /** Delays between sessions that failed, and between retries of failed subscriptions. */
  readonly backoff: Backoff;
  readonly validateIntervalMs: number;
  readonly welcomeTimeoutMs?: number;
}

/** A session that lived this long was healthy: the next failure starts the backoff over. */
const HEALTHY_SESSION_MS = 30_000;

/**
 * One EventSub WebSocket session per token, shared by every broadcaster of the process (so
 * the 3-connections-per-token limit is never in play). Each broadcaster's push source attaches
 * with its sink; the session validates the token, plans and creates every broadcaster's
 * subscriptions after a fresh welcome, follows `session_reconnect` hand-offs without
 * resubscribing, reconnects and resubscribes after a drop or a missed keepalive (with backoff),
 * and routes notifications to the right broadcaster. A token that cannot be made to work stops
 * every attached source with a {@link FatalSourceError}.
 */
export class EventSubSession {
  readonly #o: EventSubSessionOptions;
  readonly #members = new Map<string, Member>();
  readonly #settle = new Map<Member, { resolve: () => void; reject: (e: Error) => void }>();
  readonly #router: Router;
  #dead: FatalSourceError | undefined;
  #stop: AbortController | undefined;
  #current: EventSubConnection | undefined;
  #validating: Promise<void> | undefined;
  /** Counts fresh sessions; subscription answers for an older one are ignored. */
  #epoch = 0;

  constructor(options: EventSubSessionOptions) {
    this.#o = options;
    this.#router = new Router({
      members: this.#members,
      logger: options.logger,
      count: (outcome) => this.count(outcome),
      onRevoked: (status) => {
        if (status === "authorization_revoked" && this.#stop !== undefined) {
          void this.#revalidate(this.#stop.signal);
        }
      },
    });
  }

  /** Serves one broadcaster until `signal` aborts; rejects with a fatal error for a dead token. */
  attach(broadcasterId: string, sink: PushSink, signal: AbortSignal): Promise<void> {
    if (this.#dead !== undefined) return Promise.reject(this.#dead);
    const member = new Member(broadcasterId, sink);
    const done = new Promise<void>((resolve, reject) => {
      this.#settle.set(member, { resolve, reject });
    });
    this.#members.set(broadcasterId, member);
    signal.addEventListener("abort", () => this.#detach(member), { once: true });
    if (signal.aborted) this.#detach(member);
    else this.#join(member);
    return done;
  }

  /** Counts an upstream outcome (`castbus_upstream_requests_total{source="twitch"}`). */
  count(outcome: string): void {
    this.#members.values().next().value?.sink.countRequest(outcome);
  }

  #join(member: Member): void {
    member.report();
    if (this.#stop === undefined) {
      const stop = new AbortController();
      this.#stop = stop;
      void this.#run(stop.signal);
      return;
    }
    const info = this.#o.tokens.info;
    if (info === undefined) return; // the running loop plans it once the token is validated
    this.#plan(member);
    const current = this.#current;
    if (current !== undefined) {
      member.setSessionDown(undefined);
      void subscribeMember(
        member,
        current.session.id,
        this.#subscriberDeps(this.#stop.signal),
      ).catch((error: unknown) => this.#failed(error));
    }
  }

  #detach(member: Member): void {
    if (this.#members.get(member.broadcasterId) !== member) return;
    this.#members.delete(member.broadcasterId);
    this.#settle.get(member)?.resolve();
    this.#settle.delete(member);
    if (this.#members.size === 0) this.#halt();
  }

  #halt(): void {
    this.#stop?.abort();
    this.#stop = undefined;
    this.#current?.close();
    this.#current = undefined;
  }

  async #run(signal: AbortSignal): Promise<void> {
    const timer = setInterval(() => void this.#revalidate(signal), this.#o.validateIntervalMs);
    timer.unref();
    // One promise for the whole run: a listener per session would pile up on the signal.
    const stopped = new Promise<"stop">((resolve) => {
      signal.addEventListener("abort", () => resolve("stop"), { once: true });
    });
    try {
      await this.#validateAndPlan(signal);
      while (!signal.aborted) {
        const started = Date.now();
        const end = await this.#oneSession(signal, stopped);
        if (signal.aborted) break;
        this.#lost(end);
        if (Date.now() - started > HEALTHY_SESSION_MS) this.#o.backoff.reset();
        await this.#o.backoff.wait(signal);
      }
    } catch (error) {
      if (!signal.aborted) this.#failed(error);
    } finally {
      clearInterval(timer);
    }
  }

  async #validateAndPlan(signal: AbortSignal): Promise<void> {
    for (;;) {
      try {
        const info = await this.#o.tokens.validate(signal);
        this.#o.logger.info(
          { userId: info.userId, login: info.login, scopes: info.scopes },
          "Twitch token validated",
        );
        break;
      } catch (error) {
        if (error instanceof TokenError || signal.aborted) throw error;
        this.#o.logger.warn({ err: error }, "validating the Twitch token failed; retrying");
        for (const member of this.#members.values())
          member.setSessionDown(`token check failed: ${(error as Error).message}`);
        await this.#o.backoff.wait(signal);
      }
    }
    let cost = 0;
    for (const member of this.#members.values()) cost += this.#plan(member);
    if (cost > MAX_TOTAL_COST) {
      this.#o.logger.error(
        { cost, maxTotalCost: MAX_TOTAL_COST },
        "these broadcasters need more than Twitch's max_total_cost per token; some subscriptions will be refused (429)",
      );
    }
  }

  #plan(member: Member): number {
    return planMember(member, this.#o.types, this.#o.tokens.info!, this.#o.logger);
  }

  async #oneSession(signal: AbortSignal, stopped: Promise<"stop">): Promise<ConnectionEnd> {
    let connection: EventSubConnection;
    try {
      connection = await this.#open(this.#o.url);
    } catch (error) {
      if (error instanceof SessionLostError)
        return { outcome: error.outcome, message: error.message };
      throw error;
    }
    if (signal.aborted) {
      connection.close(); // stopped (or replaced after a crash) while connecting
      return { outcome: "stopped", message: "stopped" };
    }
    this.count("welcome");
    this.#o.logger.info({ sessionId: connection.session.id }, "EventSub session started");
    this.#current = connection;
    for (const member of this.#members.values()) member.setSessionDown(undefined);
    const epoch = ++this.#epoch;
    const deps = this.#subscriberDeps(signal, () => this.#epoch === epoch);
    const subscribed = Promise.all(
      [...this.#members.values()].map((m) => subscribeMember(m, connection.session.id, deps)),
    );
    // A session can end while its subscriptions are still being created (4003 after slow
    // Helix answers): stop waiting then; late answers are ignored through the epoch.
    subscribed.catch(() => undefined); // a late failure of an abandoned round is not unhandled
    const first = await Promise.race([subscribed, connection.ended]);
    if (!Array.isArray(first)) return first;
    if (first.includes("session_gone")) {
      connection.close();
      return { outcome: "session_gone", message: "Twitch no longer knows the session" };
    }
    this.#retryFailed(signal, 0);
    return serveAcrossHandOffs(connection, stopped, {
      open: (url) => this.#open(url),
      moved: (old, successor) => this.#moved(old, successor),
      count: (outcome) => this.count(outcome),
      logger: this.#o.logger,
    });
  }

  /** A hand-off finished: the new connection is current, with the same subscriptions. */
  #moved(old: EventSubConnection, successor: EventSubConnection): void {
    this.#current = successor;
    for (const member of this.#members.values()) {
      if (member.sessionId === old.session.id) member.sessionId = successor.session.id;
    }
  }

  #open(url: string): Promise<EventSubConnection> {
    return EventSubConnection.open({
      url,
      welcomeTimeoutMs: this.#o.welcomeTimeoutMs ?? 10_000,
      onFrame: (frame) => this.#router.take(frame),
    });
  }

  /** Retries retryable failed subscriptions on the same session (hand-offs included). */
  #retryFailed(signal: AbortSignal, attempt: number): void {
    const epoch = this.#epoch;
    const failing = [...this.#members.values()].filter((m) => m.toCreate(true).length > 0);
    if (failing.length === 0) return;
    const delay = Math.min(60_000, 1000 * 2 ** attempt);
    setTimeout(() => {
      const current = this.#current;
      if (signal.aborted || this.#epoch !== epoch || current === undefined) return;
      const deps = this.#subscriberDeps(signal);
      Promise.all(failing.map((m) => subscribeMember(m, current.session.id, deps, true)))
        .then(() => this.#retryFailed(signal, attempt + 1))
        .catch((error: unknown) => this.#failed(error));
    }, delay).unref();
  }

  #lost(end: ConnectionEnd): void {
    this.#current = undefined;
    this.count(end.outcome);
    const level = end.outcome === "close_4001" ? "error" : "warn";
    this.#o.logger[level](
      { outcome: end.outcome, detail: end.message, hint: ENDING_HINTS[end.outcome] },
      "EventSub session lost; reconnecting and subscribing again (events in the gap are not replayed)",
    );
    for (const member of this.#members.values()) {
      member.setSessionDown(`${end.outcome}: ${end.message}; reconnecting`);
    }
  }

  /** Checks the token now; concurrent requests (a burst of revocations) share one check. */
  #revalidate(signal: AbortSignal): Promise<void> {
    this.#validating ??= this.#o.tokens
      .validate(signal)
      .then(
        () => undefined,
        (error: unknown) => {
          if (signal.aborted) return;
          if (error instanceof TokenError) this.#failed(error);
          else this.#o.logger.warn({ err: error }, "token validation failed; will retry");
        },
      )
      .finally(() => (this.#validating = undefined));
    return this.#validating;
  }

  #subscriberDeps(signal: AbortSignal, current?: () => boolean): SubscriberDeps {
    let cleaning: Promise<void> | undefined;
    const epoch = this.#epoch;
    return {
      helix: this.#o.helix,
      logger: this.#o.logger,
      signal,
      current: current ?? (() => this.#epoch === epoch),
      cleanStale: () => (cleaning ??= deleteStale(this.#o.helix, signal, this.#o.logger)),
    };
  }

  /** A dead token stops every source for good; anything else makes them restart. */
  #failed(error: unknown): void {
    const fatal =
      error instanceof TokenError
        ? new FatalSourceError(error.message, { kind: "auth", cause: error })
        : undefined;
    if (fatal !== undefined) this.#dead = fatal;
    else this.#o.logger.error({ err: error }, "EventSub session crashed; restarting it");
    const settles = [...this.#settle.values()];
    this.#settle.clear();
    this.#members.clear();
    this.#halt();
    for (const settle of settles) settle.reject(fatal ?? (error as Error));
  }
}
