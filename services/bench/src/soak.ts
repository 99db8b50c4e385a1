import { endToEnd, type E2eSource } from "./e2e.js";

/** Memory over a long run: RSS after warm-up vs at the end, per process. */
export interface SoakResult {
  readonly seconds: number;
  readonly startMiB: Record<string, number>;
  readonly endMiB: Record<string, number>;
  readonly growthMiB: Record<string, number>;
  readonly p99Ms: number;
}

/**
 * Runs the end-to-end path at 1000 events/s for `seconds` and compares each process's RSS one
 * minute in (after warm-up: JIT, pools, buffers) with the last minute's: growth that does not
 * level off is a leak.
 */
export async function soak(
  natsUrl: string,
  source: E2eSource,
  seconds: number,
): Promise<SoakResult> {
  const run = await endToEnd(natsUrl, source, {
    ratePerSecond: 1000,
    seconds,
    warmupSeconds: 2,
    run: "soak",
  });
  const series = run.rssSeries;
  const t0 = series[0]?.at ?? 0;
  const warm = series.filter((s) => s.at - t0 >= 60_000);
  const window = (samples: typeof series) => avg(samples.map((s) => s.rss));
  const start = window(warm.slice(0, 20));
  const end = window(warm.slice(-20));
  const growth = Object.fromEntries(Object.keys(end).map((k) => [k, end[k]! - start[k]!]));
  return { seconds, startMiB: start, endMiB: end, growthMiB: growth, p99Ms: run.p99Ms };
}

function avg(samples: Record<string, number>[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key of Object.keys(samples[0] ?? {})) {
    out[key] = samples.reduce((sum, s) => sum + (s[key] ?? 0), 0) / Math.max(1, samples.length);
  }
  return out;
}
