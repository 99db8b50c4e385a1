import { setTimeout as sleep } from "node:timers/promises";

/** Exponential backoff settings. Defaults match the cb-events seed: 1 s, ×2, capped at 30 s. */
export interface BackoffOptions {
  initialMs?: number;
  factor?: number;
  maxMs?: number;
  /** Fraction of each delay that is randomized (0 = none, 1 = full jitter). Default 0.5. */
  jitter?: number;
  /** Random source in [0, 1), for tests. */
  random?: () => number;
}

/**
 * Exponential backoff with jitter. Delays grow `initialMs × factor^n` up to `maxMs`; the upper
 * `jitter` share of each delay is randomized so many clients that failed together do not retry
 * together. A server's Retry-After wins when it is longer.
 */
export class Backoff {
  readonly #initialMs: number;
  readonly #factor: number;
  readonly #maxMs: number;
  readonly #jitter: number;
  readonly #random: () => number;
  #attempt = 0;

  constructor(options: BackoffOptions = {}) {
    this.#initialMs = options.initialMs ?? 1000;
    this.#factor = options.factor ?? 2;
    this.#maxMs = options.maxMs ?? 30_000;
    this.#jitter = Math.min(1, Math.max(0, options.jitter ?? 0.5));
    this.#random = options.random ?? Math.random;
  }

  /** Failures since the last {@link reset}. */
  get attempt(): number {
    return this.#attempt;
  }

  /** The next delay in ms, advancing the attempt counter. */
  next(retryAfterMs?: number): number {
    const base = Math.min(this.#maxMs, this.#initialMs * this.#factor ** this.#attempt);
    this.#attempt += 1;
    const delay = base * (1 - this.#jitter) + base * this.#jitter * this.#random();
    return Math.round(Math.max(delay, retryAfterMs ?? 0));
  }

  /** Waits for the next delay; resolves early (without throwing) when `signal` aborts. */
  async wait(signal?: AbortSignal, retryAfterMs?: number): Promise<number> {
    const delay = this.next(retryAfterMs);
    await sleep(delay, undefined, signal === undefined ? {} : { signal }).catch(() => undefined);
    return delay;
  }

  /** Back to the initial delay (after a success). */
  reset(): void {
    this.#attempt = 0;
  }
}
