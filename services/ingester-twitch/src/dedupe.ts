/**
 * Remembers EventSub `message_id`s for a while, so a notification Twitch sends twice (a
 * redelivery, or the same message on the old and the new socket during a reconnect hand-off)
 * is published once. JetStream's msg-id window would drop it too; catching it here keeps the
 * duplicate out of the publish window and the metrics honest. Ten minutes, as twurple does.
 */
export class MessageIds {
  readonly #seen = new Map<string, number>();
  readonly #ttlMs: number;
  readonly #max: number;

  constructor(ttlMs = 10 * 60_000, max = 100_000) {
    this.#ttlMs = ttlMs;
    this.#max = max;
  }

  /** True the first time `id` is offered within the TTL. */
  firstTime(id: string, now = Date.now()): boolean {
    this.#evict(now);
    if (this.#seen.has(id)) return false;
    this.#seen.set(id, now + this.#ttlMs);
    return true;
  }

  #evict(now: number): void {
    // Insertion order is expiry order, so the oldest entries are at the front.
    for (const [id, expiresAt] of this.#seen) {
      if (expiresAt > now && this.#seen.size <= this.#max) break;
      this.#seen.delete(id);
    }
  }
}
