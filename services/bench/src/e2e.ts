import type { ServiceProcess } from "@castbus/testing";
import { waitFor } from "@castbus/testing";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { percentile, rssSampler } from "./measure.js";
import { latencyHandlerModule, scratch, startWorker } from "./processes.js";

/** Latency and memory of one end-to-end run. */
export interface EndToEnd {
  readonly source: string;
  readonly ratePerSecond: number;
  readonly events: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly ingesterRssMiB: number;
  readonly workerRssMiB: number;
  readonly rssSeries: { at: number; rss: Record<string, number> }[];
}

/** An upstream an end-to-end run drives: its ingester, and a way to send one chat message. */
export interface E2eSource {
  /** `chaturbate`, `twitch`: the first token of the event type. */
  readonly name: string;
  /** Starts the ingester; resolves once it reads from the upstream (polls it, or subscribed). */
  startIngester(natsUrl: string, run: string): Promise<ServiceProcess>;
  /** Makes the upstream send a chat message whose text is `text`. */
  emitChat(run: string, text: string): void;
}

/**
 * Simulator (this process) → ingester → NATS → worker → handler, as separate processes. The bench
 * sends chat messages at `ratePerSecond` for `seconds` (after `warmupSeconds`), each carrying its
 * send time; the worker's handler records send → handled.
 */
export async function endToEnd(
  natsUrl: string,
  source: E2eSource,
  options: { ratePerSecond: number; seconds: number; warmupSeconds: number; run: string },
): Promise<EndToEnd> {
  const latencyFile = join(scratch, `latency-${options.run}.txt`);
  rmSync(latencyFile, { force: true });
  const worker = startWorker(natsUrl, {
    WORKER_GROUP: `e2e-${options.run}`,
    WORKER_SUBJECTS: `events.${source.name}.chat.message`,
    WORKER_START_AT: "new",
    WORKER_HANDLERS: latencyHandlerModule(),
    WORKER_CONCURRENCY: "64",
    BENCH_LATENCY_FILE: latencyFile,
  });
  await worker
    .waitForLine((_l, json) => json?.["msg"] === "worker started" || false, 20_000)
    .catch(() => undefined);
  const ingester = await source.startIngester(natsUrl, options.run);
  const sampler = rssSampler({ ingester: ingester.pid, worker: worker.pid });
  const measureFrom = Date.now() * 1000 + options.warmupSeconds * 1_000_000;
  const emitted = await emitAtRate(
    (text) => source.emitChat(options.run, text),
    options.ratePerSecond,
    options.seconds + options.warmupSeconds,
  );
  const latencies = await waitFor(
    () => {
      const pairs = readPairs(latencyFile);
      return pairs.length >= emitted && pairs;
    },
    { timeoutMs: 60_000, message: "every emitted event handled" },
  );
  sampler.stop();
  await Promise.all([ingester.stop(), worker.stop()]);
  const measured = latencies
    .filter(([sent]) => sent >= measureFrom)
    .map(([, ms]) => ms)
    .sort((a, b) => a - b);
  return {
    source: source.name,
    ratePerSecond: options.ratePerSecond,
    events: measured.length,
    p50Ms: percentile(measured, 50),
    p99Ms: percentile(measured, 99),
    maxMs: measured.at(-1) ?? Number.NaN,
    ingesterRssMiB: sampler.peak["ingester"]!,
    workerRssMiB: sampler.peak["worker"]!,
    rssSeries: sampler.series,
  };
}

/** Calls `emit` at a steady rate, each time with the current time (epoch µs) as text. */
export async function emitAtRate(
  emit: (text: string) => void,
  ratePerSecond: number,
  seconds: number,
): Promise<number> {
  const total = Math.round(ratePerSecond * seconds);
  const started = performance.now();
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * ratePerSecond));
    for (; sent < due; sent++) {
      emit(String(Math.round((performance.timeOrigin + performance.now()) * 1000)));
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  return total;
}

function readPairs(file: string): [number, number][] {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.length > 0)
    .map((line) => {
      const [sent, ms] = line.split(" ");
      return [Number(sent), Number(ms)] as [number, number];
    });
}
