import { randomUUID } from "node:crypto";
import type { Directory, Grant } from "./directory.js";
import { checkCreate, type CreateRequest, type Refusal } from "./create-rules.js";
import { SUBSCRIPTION_TYPES, nanoTimestamp, type WireSubscription } from "./wire.js";

/** A subscription held by the simulator. */
export interface SimSubscription extends WireSubscription {
  /** The token user that created it (all subscriptions of one session share it). */
  readonly userId: string;
  readonly clientId: string;
  /** When it stopped being enabled (epoch ms); it stays listed for a while after. */
  disabledAt?: number;
}

/** What the subscription store needs to know about WebSocket sessions. */
export interface SessionView {
  /** Whether a session with this id is connected now. */
  isOpen(sessionId: string): boolean;
  /** The `connected_at` of the session's current connection. */
  connectedAt(sessionId: string): string;
  /** Called when a subscription is created on a session (it is no longer "unused"). */
  markUsed(sessionId: string): void;
}

/** Limits that apply to a (client, user) pair (§2.5). */
export interface SubscriptionLimits {
  readonly maxTotalCost: number;
  readonly maxPerSession: number;
  readonly maxTransports: number;
  readonly maxPerTypeAndCondition: number;
  /** How long disabled subscriptions stay listed (ms). */
  readonly disabledRetentionMs: number;
}

/** An HTTP answer for a create request. */
export type CreateAnswer =
  { readonly status: 202; readonly subscription: SimSubscription } | Refusal;

/**
 * Every subscription, enabled or not. Creation applies the production rules in the order a
 * client would meet them (see `create-rules.ts`); a closed session disables its subscriptions,
 * which stay listed with `disconnected_at` for `disabledRetentionMs`.
 */
export class SubscriptionStore {
  readonly #subs = new Map<string, SimSubscription>();
  readonly #directory: Directory;
  readonly #sessions: SessionView;
  readonly #limits: SubscriptionLimits;

  constructor(directory: Directory, sessions: SessionView, limits: SubscriptionLimits) {
    this.#directory = directory;
    this.#sessions = sessions;
    this.#limits = limits;
  }

  /** Creates a subscription for `grant`, or says why not (status + Twitch's message). */
  create(grant: Grant, request: CreateRequest): CreateAnswer {
    this.#prune();
    const refusal = checkCreate(request, grant, {
      directory: this.#directory,
      sessions: this.#sessions,
      limits: this.#limits,
      existing: [...this.#subs.values()],
      cost: (condition) => this.#cost(request.type, condition, grant.clientId),
    });
    if (refusal !== undefined) return refusal;
    const sessionId = request.transport.session_id!;
    const subscription: SimSubscription = {
      id: randomUUID(),
      status: "enabled",
      type: request.type,
      version: request.version,
      condition: { ...request.condition },
      created_at: nanoTimestamp(new Date()),
      transport: {
        method: "websocket",
        session_id: sessionId,
        connected_at: this.#sessions.connectedAt(sessionId),
      },
      cost: this.#cost(request.type, request.condition, grant.clientId),
      userId: grant.userId!,
      clientId: grant.clientId,
    };
    this.#subs.set(subscription.id, subscription);
    this.#sessions.markUsed(sessionId);
    return { status: 202, subscription };
  }

  /** Subscriptions of `clientId` (and the token user, when given), oldest first. */
  list(clientId: string, userId: string | null): SimSubscription[] {
    this.#prune();
    return [...this.#subs.values()].filter(
      (sub) => sub.clientId === clientId && (userId === null || sub.userId === userId),
    );
  }

  /** Every subscription, for tests and the control API. */
  all(): SimSubscription[] {
    this.#prune();
    return [...this.#subs.values()];
  }

  get(id: string): SimSubscription | undefined {
    return this.#subs.get(id);
  }

  delete(id: string): boolean {
    return this.#subs.delete(id);
  }

  /** The enabled subscriptions a notification of `type` would go to. */
  enabled(filter: (sub: SimSubscription) => boolean = () => true): SimSubscription[] {
    return [...this.#subs.values()].filter((sub) => sub.status === "enabled" && filter(sub));
  }

  /** A session closed: its enabled subscriptions become `status`. */
  disableSession(sessionId: string, status: string): void {
    for (const sub of this.enabled((s) => s.transport.session_id === sessionId)) {
      sub.status = status;
      sub.disabledAt = Date.now();
      sub.transport.disconnected_at = nanoTimestamp(new Date());
    }
  }

  /** A reconnect hand-off gave the session a new id: its subscriptions follow. */
  moveSession(from: string, to: string, connectedAt: string): void {
    for (const sub of this.enabled((s) => s.transport.session_id === from)) {
      sub.transport.session_id = to;
      sub.transport.connected_at = connectedAt;
    }
  }

  /** Marks a subscription revoked with `status`. */
  revoke(sub: SimSubscription, status: string): void {
    sub.status = status;
    sub.disabledAt = Date.now();
  }

  /** Total cost of the enabled subscriptions of a (client, user) pair. */
  totalCost(clientId: string, userId: string): number {
    return this.enabled((s) => s.clientId === clientId && s.userId === userId).reduce(
      (sum, s) => sum + s.cost,
      0,
    );
  }

  #cost(type: string, condition: Record<string, string>, clientId: string): number {
    if (SUBSCRIPTION_TYPES[type]?.costsWhenUnauthorized !== true) return 0;
    const user =
      condition["broadcaster_user_id"] ??
      condition["to_broadcaster_user_id"] ??
      condition["from_broadcaster_user_id"];
    return user !== undefined && this.#directory.authorized(user, clientId) ? 0 : 1;
  }

  #prune(): void {
    const before = Date.now() - this.#limits.disabledRetentionMs;
    for (const [id, sub] of this.#subs) {
      if (sub.disabledAt !== undefined && sub.disabledAt < before) this.#subs.delete(id);
    }
  }
}
