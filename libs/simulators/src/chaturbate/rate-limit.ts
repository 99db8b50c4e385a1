const WINDOW_MS = 60_000;

/**
 * The documented 2000 requests per minute, per token, over a rolling minute. Only admitted
 * requests count, so a client that backs off after a 429 gets in again once its window drains.
 */
export class RateLimiter {
  private readonly admitted = new Map<string, number[]>();

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Admits and counts one request, or returns how many seconds to wait (for `Retry-After`). */
  admit(
    token: string,
  ): { readonly ok: true } | { readonly ok: false; readonly retryAfterS: number } {
    const now = this.now();
    const times = this.admitted.get(token) ?? [];
    const firstLive = times.findIndex((time) => now - time < WINDOW_MS);
    times.splice(0, firstLive === -1 ? times.length : firstLive);
    if (times.length >= this.perMinute) {
      const oldest = times[0] ?? now;
      return { ok: false, retryAfterS: Math.max(1, Math.ceil((oldest + WINDOW_MS - now) / 1000)) };
    }
    times.push(now);
    this.admitted.set(token, times);
    return { ok: true };
  }
}
