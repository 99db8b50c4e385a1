import { describe, expect, it } from "vitest";
import { Backoff } from "../src/index.js";

const ALMOST_ONE = 0.999_999;

/** The first `count` delays of `backoff`. */
function delays(backoff: Backoff, count: number): number[] {
  return Array.from({ length: count }, () => backoff.next());
}

describe("Backoff", () => {
  const options = { initialMs: 100, factor: 2, maxMs: 1000, jitter: 0.5 };

  it("with random() = 0 waits the bottom of the jitter band: (1 - jitter) × initial × factor^n", () => {
    const backoff = new Backoff({ ...options, random: () => 0 });
    expect(delays(backoff, 6)).toEqual([50, 100, 200, 400, 500, 500]);
  });

  it("with random() just below 1 waits just below initial × factor^n, capped at maxMs", () => {
    const backoff = new Backoff({ ...options, random: () => ALMOST_ONE });
    expect(delays(backoff, 6)).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it("keeps every delay within [base × (1 - jitter), base] for any random value", () => {
    const bases = [100, 200, 400, 800, 1000, 1000, 1000];
    for (const r of [0, 0.1, 0.25, 0.5, 0.75, 0.9, ALMOST_ONE]) {
      const backoff = new Backoff({ ...options, random: () => r });
      for (const [n, delay] of delays(backoff, bases.length).entries()) {
        const base = bases[n] ?? Number.NaN;
        expect(delay).toBeGreaterThanOrEqual(base * 0.5);
        expect(delay).toBeLessThanOrEqual(base);
      }
    }
  });

  it("never exceeds maxMs, however many attempts failed", () => {
    const backoff = new Backoff({ ...options, random: () => ALMOST_ONE });
    expect(Math.max(...delays(backoff, 2000))).toBe(1000);
  });

  it("without jitter waits exactly initial × factor^n", () => {
    const backoff = new Backoff({ initialMs: 250, factor: 3, maxMs: 10_000, jitter: 0 });
    expect(delays(backoff, 5)).toEqual([250, 750, 2250, 6750, 10_000]);
  });

  it("clamps jitter to [0, 1]", () => {
    const full = new Backoff({ ...options, jitter: 5, random: () => 0 });
    expect(delays(full, 2)).toEqual([0, 0]);
    const none = new Backoff({ ...options, jitter: -1, random: () => 0 });
    expect(delays(none, 2)).toEqual([100, 200]);
  });

  it("defaults to 1 s × 2 capped at 30 s with half jitter", () => {
    const backoff = new Backoff({ random: () => ALMOST_ONE });
    expect(delays(backoff, 7)).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]);
    const low = new Backoff({ random: () => 0 });
    expect(low.next()).toBe(500);
  });

  it("counts attempts and starts over from the initial delay after reset()", () => {
    const backoff = new Backoff({ ...options, random: () => ALMOST_ONE });
    delays(backoff, 4);
    expect(backoff.attempt).toBe(4);
    backoff.reset();
    expect(backoff.attempt).toBe(0);
    expect(delays(backoff, 2)).toEqual([100, 200]);
  });

  it("waits a Retry-After that is longer than the computed delay", () => {
    const backoff = new Backoff({ ...options, random: () => ALMOST_ONE });
    expect(backoff.next(5000)).toBe(5000);
  });

  it("keeps the computed delay when Retry-After is shorter, and still advances", () => {
    const backoff = new Backoff({ ...options, random: () => ALMOST_ONE });
    expect(backoff.next(10)).toBe(100);
    expect(backoff.next(0)).toBe(200);
    expect(backoff.attempt).toBe(2);
  });

  it("wait() sleeps the delay and returns it", async () => {
    const backoff = new Backoff({ initialMs: 60, jitter: 0 });
    const started = performance.now();
    expect(await backoff.wait()).toBe(60);
    expect(performance.now() - started).toBeGreaterThanOrEqual(55);
    expect(backoff.attempt).toBe(1);
  });

  it("wait() honours a longer Retry-After", async () => {
    const backoff = new Backoff({ initialMs: 10, jitter: 0 });
    const started = performance.now();
    expect(await backoff.wait(undefined, 80)).toBe(80);
    expect(performance.now() - started).toBeGreaterThanOrEqual(75);
  });

  it("wait() resolves early, without throwing, when the signal aborts", async () => {
    const backoff = new Backoff({ initialMs: 10_000, jitter: 0 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("shutdown")), 50);
    const started = performance.now();
    await expect(backoff.wait(controller.signal)).resolves.toBe(10_000);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it("wait() returns at once for an already aborted signal", async () => {
    const backoff = new Backoff({ initialMs: 10_000, jitter: 0 });
    const started = performance.now();
    await backoff.wait(AbortSignal.abort());
    expect(performance.now() - started).toBeLessThan(500);
  });
});
