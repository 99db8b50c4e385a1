import { readFileSync } from "node:fs";

/** One figure in the report. */
export interface Figure {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** The figure it is compared with, and the ratio value / baseline. */
  readonly baseline?: { readonly name: string; readonly value: number };
  /** The target, as a predicate and its text. */
  readonly target?: { readonly text: string; readonly met: boolean };
  readonly note?: string;
}

/** Events per second for `count` events in `ms`. */
export function rate(count: number, ms: number): number {
  return Math.round(count / (ms / 1000));
}

/** The p-th percentile (0–100) of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)]!;
}

/** Resident set size of a process in MiB (Linux /proc), or NaN when unreadable. */
export function rssMiB(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match === null ? Number.NaN : Number(match[1]) / 1024;
  } catch {
    return Number.NaN;
  }
}

/** CPU seconds (user + system) a process has used so far (Linux /proc). */
export function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (100 Hz)
  } catch {
    return Number.NaN;
  }
}

/** Samples the largest RSS of some processes until stopped. */
export function rssSampler(pids: Record<string, number>, everyMs = 250) {
  const peak: Record<string, number> = Object.fromEntries(Object.keys(pids).map((k) => [k, 0]));
  const series: { at: number; rss: Record<string, number> }[] = [];
  const sample = () => {
    const rss: Record<string, number> = {};
    for (const [name, pid] of Object.entries(pids)) {
      rss[name] = rssMiB(pid);
      if (rss[name]! > peak[name]!) peak[name] = rss[name]!;
    }
    series.push({ at: Date.now(), rss });
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    peak,
    series,
    stop: () => {
      clearInterval(timer);
      sample();
    },
  };
}
