const TICK_MS = 50;

/**
 * Runs event generators at a steady rate per account. Each tick emits however many events are
 * due since the start, so the long-run rate is exact even when timers fire late.
 */
export class GeneratorSchedule {
  private readonly running = new Map<string, NodeJS.Timeout>();

  /** Starts (or restarts) emitting `ratePerSecond` events for `username`; 0 stops it. */
  start(username: string, ratePerSecond: number, emitOne: () => void): void {
    this.stop(username);
    if (ratePerSecond === 0) return;
    const startedAt = performance.now();
    let emitted = 0;
    const timer = setInterval(
      () => {
        const due = Math.floor(((performance.now() - startedAt) / 1000) * ratePerSecond);
        for (; emitted < due; emitted += 1) emitOne();
      },
      Math.min(TICK_MS, 1000 / ratePerSecond),
    );
    // A generator alone should not keep a test process alive; the server does that.
    timer.unref();
    this.running.set(username, timer);
  }

  /** Stops the generator for `username`, if one runs. */
  stop(username: string): void {
    clearInterval(this.running.get(username));
    this.running.delete(username);
  }

  /** Stops every generator. */
  stopAll(): void {
    for (const username of [...this.running.keys()]) this.stop(username);
  }
}
