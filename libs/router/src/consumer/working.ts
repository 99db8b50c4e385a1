import type { Delivery } from "@castbus/nats";

/**
 * Keeps long-running deliveries from being redelivered: one timer for all of them (not one per
 * message) tells the server `working()` for every delivery that has been in its handlers for a
 * third of the ack wait.
 */
export class WorkingTracker {
  readonly #started = new Map<Delivery, number>();
  readonly #everyMs: number;
  readonly #timer: NodeJS.Timeout;

  constructor(ackWaitMs: number) {
    this.#everyMs = Math.max(500, Math.floor(ackWaitMs / 3));
    this.#timer = setInterval(() => this.#tick(), this.#everyMs);
    this.#timer.unref();
  }

  /** Tracks `delivery` while `work` runs. */
  async around<T>(delivery: Delivery, work: () => Promise<T>): Promise<T> {
    this.#started.set(delivery, Date.now());
    try {
      return await work();
    } finally {
      this.#started.delete(delivery);
    }
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  #tick(): void {
    const due = Date.now() - this.#everyMs;
    for (const [delivery, started] of this.#started) {
      if (started <= due) delivery.working();
    }
  }
}
