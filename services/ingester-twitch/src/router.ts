import type { Logger } from "@castbus/telemetry";
import type { IncomingFrame } from "./connection.js";
import { MessageIds } from "./dedupe.js";
import type { Member } from "./member.js";
import {
  isSubscriptionType,
  subscriptionSchema,
  type WireMessage,
  type WireSubscription,
} from "./upstream.js";

/** What the router needs from the session. */
export interface RouterDeps {
  readonly members: ReadonlyMap<string, Member>;
  readonly logger: Logger;
  readonly count: (outcome: string) => void;
  /** Told about every revocation (an `authorization_revoked` triggers a token check). */
  readonly onRevoked: (status: string) => void;
}

/**
 * Hands each notification to the broadcaster it belongs to (by subscription id, else by the
 * condition's broadcaster), once per `message_id`, in arrival order; turns revocations into
 * subscription states; dead-letters frames that are not EventSub messages.
 */
export class Router {
  readonly #deps: RouterDeps;
  readonly #ids = new MessageIds();
  #chain: Promise<void> = Promise.resolve();

  constructor(deps: RouterDeps) {
    this.#deps = deps;
  }

  /** Queues a frame; frames are handled one after another so their order is kept. */
  take(frame: IncomingFrame): void {
    this.#chain = this.#chain
      .then(() => this.#dispatch(frame))
      .catch((error: unknown) =>
        this.#deps.logger.error({ err: error }, "could not hand over a frame"),
      );
  }

  async #dispatch(frame: IncomingFrame): Promise<void> {
    const primary = this.#deps.members.values().next().value;
    if (primary === undefined) return;
    const message = frame.message;
    if (message === undefined) {
      return primary.sink.reject(frame.raw, {
        reason: "invalid_message",
        message: "frame is not an EventSub message (invalid JSON or envelope)",
      });
    }
    const { message_type: type, message_id: upstreamId } = message.metadata;
    if (type === "notification") return this.#notification(frame, message, primary);
    if (type === "revocation") return this.#revocation(frame, message, primary);
    return primary.sink.reject(frame.raw, {
      reason: "unknown_message_type",
      message: `unexpected message_type ${JSON.stringify(type)}`,
      upstreamId,
    });
  }

  async #notification(frame: IncomingFrame, message: WireMessage, primary: Member): Promise<void> {
    const upstreamId = message.metadata.message_id;
    if (!this.#ids.firstTime(upstreamId)) {
      this.#deps.count("duplicate_notification");
      this.#deps.logger.debug({ upstreamId }, "notification seen before (redelivery); skipped");
      return;
    }
    const subscription = subscriptionSchema.safeParse(message.payload["subscription"]);
    const member = subscription.success ? this.#memberFor(subscription.data) : undefined;
    if (member === undefined) {
      return primary.sink.reject(frame.raw, {
        reason: "unknown_subscription",
        message: "notification for a subscription of no configured broadcaster",
        upstreamId,
      });
    }
    await member.sink.emit({
      raw: frame.raw,
      value: message,
      receivedAt: frame.receivedAt,
      receivedTime: frame.receivedTime,
    });
  }

  async #revocation(frame: IncomingFrame, message: WireMessage, primary: Member): Promise<void> {
    this.#deps.count("revocation");
    const parsed = subscriptionSchema.safeParse(message.payload["subscription"]);
    if (!parsed.success) {
      return primary.sink.reject(frame.raw, {
        reason: "invalid_revocation",
        message: "revocation without a valid subscription object",
        upstreamId: message.metadata.message_id,
      });
    }
    const { id, type, status } = parsed.data;
    const member = this.#memberFor(parsed.data);
    this.#deps.logger.warn(
      { broadcasterId: member?.broadcasterId, type, status, subscriptionId: id },
      "Twitch revoked a subscription; its events stop (it is created again on the next fresh session)",
    );
    if (member !== undefined && isSubscriptionType(type)) {
      member.set(type, { kind: "revoked", status });
    }
    this.#deps.onRevoked(status);
  }

  #memberFor(subscription: WireSubscription): Member | undefined {
    for (const member of this.#deps.members.values()) {
      if (member.typeOf(subscription.id) !== undefined) return member;
    }
    const c = subscription.condition;
    for (const key of [
      "broadcaster_user_id",
      "to_broadcaster_user_id",
      "from_broadcaster_user_id",
    ]) {
      const member = typeof c[key] === "string" ? this.#deps.members.get(c[key]) : undefined;
      if (member !== undefined) return member;
    }
    return undefined;
  }
}
