import type { PushSink } from "@castbus/ingest";
import type { PlannedSubscription, SkippedSubscription } from "./plan.js";
import type { SubscriptionType } from "./upstream.js";

/** Where one subscription of a broadcaster stands. */
export type SubscriptionState =
  | { readonly kind: "pending" }
  | { readonly kind: "enabled"; readonly id: string | undefined }
  | { readonly kind: "skipped"; readonly reason: string }
  | { readonly kind: "revoked"; readonly status: string }
  | { readonly kind: "failed"; readonly reason: string; readonly retryable: boolean };

/**
 * One broadcaster on the shared session: its sink (publishing, dead letters, readiness,
 * metrics), what it should be subscribed to, and where each subscription stands. Readiness is
 * computed from that: not ready while the session is down, while subscribing, or when a
 * subscription was revoked or failed; a type skipped for missing authorization does not count
 * (it is reported in the logs once).
 */
export class Member {
  readonly broadcasterId: string;
  readonly sink: PushSink;
  readonly states = new Map<SubscriptionType, SubscriptionState>();
  planned: readonly PlannedSubscription[] = [];
  /** The session id its subscriptions were created on. */
  sessionId: string | undefined;
  #sessionDown: string | undefined = "connecting";
  #lastReport = "";

  constructor(broadcasterId: string, sink: PushSink) {
    this.broadcasterId = broadcasterId;
    this.sink = sink;
  }

  /** Sets the plan: every planned type pending, every skipped one skipped. */
  plan(planned: readonly PlannedSubscription[], skipped: readonly SkippedSubscription[]): void {
    this.planned = planned;
    this.states.clear();
    for (const p of planned) this.states.set(p.type, { kind: "pending" });
    for (const s of skipped) this.states.set(s.type, { kind: "skipped", reason: s.reason });
  }

  /** The subscriptions to create on a fresh session (skipped ones stay skipped). */
  toCreate(onlyFailed = false): PlannedSubscription[] {
    return this.planned.filter((p) => {
      const state = this.states.get(p.type);
      if (state?.kind === "skipped") return false;
      return !onlyFailed || (state?.kind === "failed" && state.retryable);
    });
  }

  /** Records a state and re-reports readiness when the verdict changed. */
  set(type: SubscriptionType, state: SubscriptionState): void {
    this.states.set(type, state);
    this.report();
  }

  /** The session went down (with why) or came back (undefined). */
  setSessionDown(reason: string | undefined): void {
    this.#sessionDown = reason;
    if (reason !== undefined) {
      for (const [type, state] of this.states) {
        if (state.kind !== "skipped") this.states.set(type, { kind: "pending" });
      }
      this.sessionId = undefined;
    }
    this.report();
  }

  /** The subscription type an id belongs to, if it is one of ours. */
  typeOf(subscriptionId: string): SubscriptionType | undefined {
    for (const [type, state] of this.states) {
      if (state.kind === "enabled" && state.id === subscriptionId) return type;
    }
    return undefined;
  }

  /** Tells the runner the readiness verdict (only when it changed). */
  report(): void {
    const reason = this.#notReadyReason();
    const key = reason ?? "ok";
    if (key === this.#lastReport) return;
    this.#lastReport = key;
    this.sink.setUpstream(reason === undefined, reason);
  }

  #notReadyReason(): string | undefined {
    if (this.#sessionDown !== undefined) return `EventSub session down: ${this.#sessionDown}`;
    const states = [...this.states.entries()];
    const revoked = states.flatMap(([type, s]) =>
      s.kind === "revoked" ? [`${type} (${s.status})`] : [],
    );
    if (revoked.length > 0) return `subscription revoked: ${revoked.join(", ")}`;
    const failed = states.flatMap(([type, s]) =>
      s.kind === "failed" ? [`${type} (${s.reason})`] : [],
    );
    if (failed.length > 0) return `subscription failed: ${failed.join(", ")}`;
    if (states.some(([, s]) => s.kind === "pending")) return "subscribing";
    if (!states.some(([, s]) => s.kind === "enabled")) {
      return "no subscription possible with this token (see the log for each type)";
    }
    return undefined;
  }
}
