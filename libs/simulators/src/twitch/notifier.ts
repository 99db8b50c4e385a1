import { randomUUID } from "node:crypto";
import { deepMerge } from "../chaturbate/wire.js";
import { wireSubscription } from "./helix.js";
import type { EventFactory } from "./payloads.js";
import type { SessionHub } from "./sessions.js";
import type { SimSubscription, SubscriptionStore } from "./subscriptions.js";
import { message, nanoTimestamp, type RevocationStatus, type WireMessage } from "./wire.js";

/** One notification or revocation the simulator sent (or tried to: `delivered` false). */
export interface SentMessage {
  readonly messageId: string;
  readonly messageType: "notification" | "revocation";
  readonly subscriptionId: string;
  readonly subscriptionType: string;
  readonly sessionId: string;
  /** False when no open, unstalled connection carried the session (the message is lost). */
  readonly delivered: boolean;
  readonly message: WireMessage;
}

/** Options of an emit. */
export interface EmitOptions {
  /** Only subscriptions whose condition names this user (broadcaster, raid target or source). */
  readonly broadcasterId?: string;
  /** `metadata.message_timestamp` (default now): an old one makes a stale message. */
  readonly messageTimestamp?: Date;
}

/** Which subscriptions a revocation hits. */
export interface RevokeOptions {
  readonly subscriptionId?: string;
  readonly type?: string;
  readonly broadcasterId?: string;
  /** Default `authorization_revoked`. */
  readonly status?: RevocationStatus;
}

/**
 * Builds notification and revocation messages for enabled subscriptions and hands them to the
 * session hub; keeps what was sent, so tests can compare it with what reached JetStream.
 */
export class Notifier {
  readonly #store: SubscriptionStore;
  readonly #hub: SessionHub;
  readonly #factory: EventFactory;
  readonly #sent: SentMessage[] = [];
  readonly #historySize: number;

  constructor(
    store: SubscriptionStore,
    hub: SessionHub,
    factory: EventFactory,
    historySize: number,
  ) {
    this.#store = store;
    this.#hub = hub;
    this.#factory = factory;
    this.#historySize = historySize;
  }

  /** One notification of `type` per matching enabled subscription, `overrides` merged into `event`. */
  emit(
    type: string,
    overrides: Record<string, unknown> = {},
    options: EmitOptions = {},
  ): SentMessage[] {
    const targets = this.#store.enabled(
      (sub) => sub.type === type && names(sub, options.broadcasterId),
    );
    return targets.map((sub) => {
      const event = deepMerge(this.#factory.event(type, sub.condition), overrides);
      const msg = message(
        "notification",
        { subscription: notificationView(sub), event },
        sub,
        options.messageTimestamp,
      );
      return this.#send(sub, msg, "notification");
    });
  }

  /** Sends an earlier message again: same `message_id` (a redelivery), or a fresh one. */
  redeliver(messageId: string, options: { newMessageId?: boolean } = {}): SentMessage[] {
    const earlier = this.#sent.find((s) => s.messageId === messageId);
    const sub = earlier === undefined ? undefined : this.#store.get(earlier.subscriptionId);
    if (earlier === undefined || sub === undefined) return [];
    const msg: WireMessage = structuredClone(earlier.message);
    if (options.newMessageId === true) {
      msg.metadata.message_id = randomUUID();
      msg.metadata.message_timestamp = nanoTimestamp(new Date());
    }
    return [this.#send(sub, msg, earlier.messageType)];
  }

  /** Revokes matching enabled subscriptions: one revocation message each, then nothing more. */
  revoke(options: RevokeOptions): SentMessage[] {
    const status = options.status ?? "authorization_revoked";
    const targets = this.#store.enabled(
      (sub) =>
        (options.subscriptionId === undefined || sub.id === options.subscriptionId) &&
        (options.type === undefined || sub.type === options.type) &&
        names(sub, options.broadcasterId),
    );
    return targets.map((sub) => this.#revokeOne(sub, status));
  }

  /** Revokes every enabled subscription a (client, user) pair created (token revoked). */
  revokeGrant(clientId: string, userId: string | null): SentMessage[] {
    return this.#store
      .enabled((sub) => sub.clientId === clientId && sub.userId === userId)
      .map((sub) => this.#revokeOne(sub, "authorization_revoked"));
  }

  /** Everything sent so far, oldest first. */
  history(): readonly SentMessage[] {
    return [...this.#sent];
  }

  #revokeOne(sub: SimSubscription, status: string): SentMessage {
    this.#store.revoke(sub, status);
    const view = { ...notificationView(sub), status };
    return this.#send(sub, message("revocation", { subscription: view }, sub), "revocation");
  }

  #send(sub: SimSubscription, msg: WireMessage, type: SentMessage["messageType"]): SentMessage {
    const sessionId = sub.transport.session_id;
    const sent: SentMessage = {
      messageId: msg.metadata.message_id,
      messageType: type,
      subscriptionId: sub.id,
      subscriptionType: sub.type,
      sessionId,
      delivered: this.#hub.deliver(sessionId, msg),
      message: msg,
    };
    this.#sent.push(sent);
    if (this.#sent.length > this.#historySize) this.#sent.shift();
    return sent;
  }
}

/** The subscription object inside a notification: transport without `connected_at`. */
function notificationView(sub: SimSubscription): Record<string, unknown> {
  const { transport, ...rest } = wireSubscription(sub);
  return { ...rest, transport: { method: transport.method, session_id: transport.session_id } };
}

function names(sub: SimSubscription, userId: string | undefined): boolean {
  if (userId === undefined) return true;
  const c = sub.condition;
  return [
    c["broadcaster_user_id"],
    c["to_broadcaster_user_id"],
    c["from_broadcaster_user_id"],
  ].includes(userId);
}
