import type { ChaturbateSimulator } from "@castbus/simulators";
import { waitFor } from "@castbus/testing";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { percentile, rssSampler } from "./measure.js";
import { latencyHandlerModule, scratch, startIngester, startWorker } from "./processes.js";

/** Latency and memory of one end-to-end run. */
export interface EndToEnd {
  readonly ratePerSecond: number;
  readonly events: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly ingesterRssMiB: number;
  readonly workerRssMiB: number;
  readonly rssSeries: { at: number; rss: Record<string, number> }[];
}

const TOKEN = "BenchToken00000000000000";

/**
 * Simulator (this process) → ingester-chaturbate → NATS → worker → handler, as separate processes.
 * The bench emits chat messages at `ratePerSecond` for `seconds` (after `warmupSeconds`), each
 * carrying its emit time; the worker's handler records emit → handled.
 */
export async function endToEnd(
  natsUrl: string,
  sim: ChaturbateSimulator,
  options: { ratePerSecond: number; seconds: number; warmupSeconds: number; account: string },
): Promise<EndToEnd> {
  const latencyFile = join(scratch, `latency-${options.account}.txt`);
  rmSync(latencyFile, { force: true });
  sim.addAccount(options.account, TOKEN);
  const worker = startWorker(natsUrl, {
    WORKER_GROUP: `e2e-${options.account}`,
    WORKER_SUBJECTS: "events.chaturbate.chat.message",
    WORKER_START_AT: "new",
    WORKER_HANDLERS: latencyHandlerModule(),
    WORKER_CONCURRENCY: "64",
    BENCH_LATENCY_FILE: latencyFile,
  });
  await worker
    .waitForLine((_l, json) => json?.["msg"] === "worker started" || false, 20_000)
    .catch(() => undefined);
  const seen = sim.requests.length;
  const ingester = startIngester(natsUrl, {
    CB_USERNAME: options.account,
    CB_TOKEN: TOKEN,
    CB_BASE_URL: sim.baseUrl,
  });
  await waitFor(() => sim.requests.length > seen, { timeoutMs: 20_000 });
  const sampler = rssSampler({ ingester: ingester.pid, worker: worker.pid });
  const measureFrom = Date.now() * 1000 + options.warmupSeconds * 1_000_000;
  const emitted = await emitAtRate(
    sim,
    options.account,
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

/** Emits chat messages at a steady rate, each carrying its emit time (epoch µs) as its text. */
export async function emitAtRate(
  sim: ChaturbateSimulator,
  account: string,
  ratePerSecond: number,
  seconds: number,
): Promise<number> {
  const total = Math.round(ratePerSecond * seconds);
  const started = performance.now();
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * ratePerSecond));
    for (; sent < due; sent++) {
      const nowUs = Math.round((performance.timeOrigin + performance.now()) * 1000);
      sim.emit(account, "chatMessage", { message: { message: String(nowUs) } });
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
