import type { Random } from "../chaturbate/random.js";
import type { Notifier } from "./notifier.js";
import type { SubscriptionStore } from "./subscriptions.js";

/** How often each subscribed type is picked by the generator (chat dominates, as on Twitch). */
export const TYPE_WEIGHTS: Readonly<Record<string, number>> = {
  "channel.chat.message": 60,
  "channel.follow": 8,
  "channel.subscribe": 4,
  "channel.subscription.gift": 2,
  "channel.subscription.message": 3,
  "channel.raid": 1,
  "channel.cheer": 4,
  "channel.channel_points_custom_reward_redemption.add": 5,
  "stream.online": 0.3,
  "stream.offline": 0.3,
  "channel.update": 1,
};

/** Emits random notifications for whatever is subscribed, at a steady rate. */
export class Generator {
  readonly #notifier: Notifier;
  readonly #store: SubscriptionStore;
  readonly #random: Random;
  #timer: NodeJS.Timeout | undefined;

  constructor(notifier: Notifier, store: SubscriptionStore, random: Random) {
    this.#notifier = notifier;
    this.#store = store;
    this.#random = random;
  }

  /** Starts (or retunes) the generator; 0 stops it. */
  start(ratePerSecond: number): void {
    this.stop();
    if (ratePerSecond <= 0) return;
    this.#timer = setInterval(() => this.#tick(), Math.max(1, 1000 / ratePerSecond));
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #tick(): void {
    const subscribed = new Set(this.#store.enabled().map((sub) => sub.type));
    const weights = Object.fromEntries(
      Object.entries(TYPE_WEIGHTS).filter(([type]) => subscribed.has(type)),
    );
    if (Object.keys(weights).length === 0) return;
    const type = this.#random.weighted(weights);
    const targets = this.#store.enabled((sub) => sub.type === type);
    const broadcasterId = this.#random.pick(targets).condition["broadcaster_user_id"];
    this.#notifier.emit(type, {}, broadcasterId === undefined ? {} : { broadcasterId });
  }
}
