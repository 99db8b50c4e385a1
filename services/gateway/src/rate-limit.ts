/**
 * Token buckets per client name: `perMinute` events a minute sustained, `burst` at once. A
 * request for n events either takes n tokens or is told how long to wait for them.
 */
export class RateLimiter {
  readonly #ratePerMs: number;
  readonly #burst: number;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(perMinute: number, burst: number) {
    this.#ratePerMs = perMinute / 60_000;
    this.#burst = burst;
  }

  /** Takes `cost` tokens for `key`; returns 0 when allowed, else the ms until it would be. */
  take(key: string, cost: number, now = Date.now()): number {
    const bucket = this.#buckets.get(key) ?? { tokens: this.#burst, at: now };
    bucket.tokens = Math.min(this.#burst, bucket.tokens + (now - bucket.at) * this.#ratePerMs);
    bucket.at = now;
    this.#buckets.set(key, bucket);
    if (cost <= bucket.tokens) {
      bucket.tokens -= cost;
      return 0;
    }
    if (cost > this.#burst) return Infinity; // never fits: the caller must send smaller batches
    return Math.ceil((cost - bucket.tokens) / this.#ratePerMs);
  }
}
