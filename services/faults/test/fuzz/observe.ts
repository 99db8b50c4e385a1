import { DEAD_LETTERS_STREAM, EVENTS_STREAM, validateEvent } from "@castbus/events";
import {
  countStream,
  readStream,
  waitFor,
  type ServiceProcess,
  type StoredMessage,
} from "@castbus/testing";
import type { NatsConnection } from "@nats-io/transport-node";
import { createHash } from "node:crypto";
import { appendFileSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * What a fuzz run looks at from outside the process under test: its memory (VmRSS), whether it
 * is alive and ready, what reached EVENTS and `dlq.ingest.<source>`, and the summary line.
 */

/**
 * The memory bounds, as peak VmRSS. The gateway's is its container limit in `deploy/k8s/base`
 * (256 MiB). The ingesters have no manifest yet; theirs is 384 MiB, about three times an idle
 * ingester's RSS. The processes run with the old-space limit V8 would take inside a 256 MiB
 * container ({@link HEAP_CAP}; V8 sizes old space at physical memory / 4 × 2 on 64-bit), not the
 * gigabytes it would allow itself on a test machine: a leak then ends in an out-of-memory crash
 * (counted as a crash) instead of hiding in a heap that is simply collected late. Each corpus
 * pushes 20–90 MB of huge strings through the process, several times the old-space limit, so
 * keeping even a fraction of the inputs would show.
 */
export function rssBoundMb(source: string): number {
  return source === "gateway" ? 256 : 384;
}

/** Old-space cap (MB) of the processes under test; `CASTBUS_FUZZ_HEAP_MB=0` lifts it. */
const HEAP_MB = Number(process.env["CASTBUS_FUZZ_HEAP_MB"] ?? 128);

/** Extra environment for a process under test: its old space capped at {@link HEAP_MB}. */
export const HEAP_CAP: Record<string, string> =
  HEAP_MB > 0 ? { NODE_OPTIONS: `--max-old-space-size=${HEAP_MB}` } : {};

/** Samples a process's VmRSS from /proc every `everyMs` and keeps the peak. */
export class RssSampler {
  #peakKb = 0;
  readonly #timer: NodeJS.Timeout;
  /** RSS when sampling started, in MB. */
  readonly startMb: number;

  constructor(
    readonly pid: number,
    everyMs = 100,
  ) {
    this.startMb = Math.round((this.sample() / 1024) * 10) / 10;
    this.#timer = setInterval(() => this.sample(), everyMs);
    this.#timer.unref();
  }

  /** Reads VmRSS now (kB); 0 once the process is gone. */
  sample(): number {
    const kb = vmRssKb(this.pid);
    this.#peakKb = Math.max(this.#peakKb, kb);
    return kb;
  }

  /** The peak so far, in MB. */
  get peakMb(): number {
    return Math.round((this.#peakKb / 1024) * 10) / 10;
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}

function vmRssKb(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match === null ? 0 : Number(match[1]);
  } catch {
    return 0;
  }
}

/** Whether the process has exited (a crash, for a service that should be running). */
export async function exited(proc: ServiceProcess): Promise<boolean> {
  const marker = Symbol("running");
  return (await Promise.race([proc.exited, Promise.resolve(marker)])) !== marker;
}

/** Waits until `GET <base>/readyz` answers 200 and `/healthz` 200; returns the readiness body. */
export async function readyAndHealthy(base: string, timeoutMs = 20_000): Promise<string> {
  const health = await fetch(`${base}/healthz`);
  if (health.status !== 200) throw new Error(`/healthz answered ${health.status}`);
  return waitFor(
    async () => {
      const res = await fetch(`${base}/readyz`);
      const body = await res.text();
      return res.status === 200 && body;
    },
    { timeoutMs, message: "/readyz ready" },
  );
}

/** The telemetry origin of an ingester (from its "ingester started" log line). */
export function telemetryBase(proc: ServiceProcess): string {
  const line = proc
    .logs()
    .find((l) => typeof l["port"] === "number" && /started/.test(String(l["msg"])));
  if (line === undefined) throw new Error("the service has not logged its telemetry port");
  return `http://127.0.0.1:${String(line["port"])}`;
}

/** Dead letters of `source`, in stream order. */
export function deadLetters(nc: NatsConnection, source: string): Promise<StoredMessage[]> {
  return readStream(nc, DEAD_LETTERS_STREAM, `dlq.ingest.${source}`);
}

/** Events on `events.<prefix>.>`, in stream order. */
export function storedEvents(nc: NatsConnection, prefix: string): Promise<StoredMessage[]> {
  return readStream(nc, EVENTS_STREAM, `events.${prefix}.>`);
}

const sha = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/** How the dead letters compare with the raw inputs that had to become dead letters. */
export interface DeadLetterCheck {
  /** Expected raw inputs with no dead letter (by content). */
  readonly missing: string[];
  /** Dead letters matching no expected input. */
  readonly unexpected: string[];
  /** Dead letters without a `Castbus-Reason` header or with the wrong `Castbus-Source`. */
  readonly badHeaders: string[];
  /** `{ reason: count }` over the dead letters. */
  readonly reasons: Record<string, number>;
}

/**
 * Matches dead letters to `expected` raw inputs by content: exact bytes, or — for a payload over
 * the server's max payload, which is cut and says so in `Castbus-Truncated` — its prefix and
 * original length.
 */
export function checkDeadLetters(
  stored: readonly StoredMessage[],
  expected: readonly (string | Uint8Array)[],
  source: string,
): DeadLetterCheck {
  const wanted = new Map<string, Buffer>();
  for (const raw of expected) {
    const bytes = Buffer.from(raw);
    wanted.set(sha(bytes), bytes);
  }
  const unexpected: string[] = [];
  const badHeaders: string[] = [];
  const reasons: Record<string, number> = {};
  for (const m of stored) {
    const reason = m.headers["Castbus-Reason"] ?? "";
    reasons[reason] = (reasons[reason] ?? 0) + 1;
    if (reason === "" || m.headers["Castbus-Source"] !== source) badHeaders.push(preview(m.data));
    const key = matchKey(m, wanted);
    if (key === undefined)
      unexpected.push(
        `${reason} (${(m.headers["Castbus-Error"] ?? "").slice(0, 160)}): ${preview(m.data)}`,
      );
    else wanted.delete(key);
  }
  return { missing: [...wanted.values()].map(preview), unexpected, badHeaders, reasons };
}

function matchKey(m: StoredMessage, wanted: ReadonlyMap<string, Buffer>): string | undefined {
  const truncated = m.headers["Castbus-Truncated"];
  if (truncated === undefined) return wanted.has(sha(m.data)) ? sha(m.data) : undefined;
  for (const [key, bytes] of wanted) {
    if (
      bytes.length === Number(truncated) &&
      bytes.subarray(0, m.data.length).equals(Buffer.from(m.data))
    )
      return key;
  }
  return undefined;
}

/** How the stored events compare with the ids that had to be published. */
export interface EventCheck {
  readonly missing: string[];
  /** Ids stored more often than expected. */
  readonly duplicated: string[];
  /** Ids stored that were not expected. */
  readonly unexpected: string[];
  /** Stored envelopes that break the envelope or their type's schema. */
  readonly invalid: string[];
}

/**
 * Checks `stored` against `expected` keys — envelope ids, or what `keyOf` reads from an envelope
 * (a multiset: a key expected twice must be stored twice) — and every envelope against the
 * envelope and payload schemas.
 */
export function checkEvents(
  stored: readonly StoredMessage[],
  expected: readonly string[],
  keyOf: (envelope: { id: string; data: Record<string, unknown> }) => string = (e) => e.id,
): EventCheck {
  const counts = new Map<string, number>();
  const invalid: string[] = [];
  for (const m of stored) {
    const envelope = m.json<{ id: string; data: Record<string, unknown> }>();
    const key = keyOf(envelope);
    counts.set(key, (counts.get(key) ?? 0) + 1);
    const valid = validateEvent(envelope);
    if (!valid.ok)
      invalid.push(`${envelope.id.slice(0, 80)}: ${valid.reason} ${valid.message.slice(0, 200)}`);
  }
  const want = new Map<string, number>();
  for (const key of expected) want.set(key, (want.get(key) ?? 0) + 1);
  const cut = (key: string) => key.slice(0, 120);
  return {
    missing: [...want].filter(([key, n]) => (counts.get(key) ?? 0) < n).map(([key]) => cut(key)),
    duplicated: [...counts]
      .filter(([key, n]) => want.has(key) && n > want.get(key)!)
      .map(([key]) => cut(key)),
    unexpected: [...counts.keys()].filter((key) => !want.has(key)).map(cut),
    invalid,
  };
}

function preview(bytes: Uint8Array): string {
  const text = Buffer.from(bytes).toString("utf8");
  return text.length > 160 ? `${text.slice(0, 160)}… (${bytes.length} bytes)` : text;
}

/** One source's figures. */
export interface FuzzRow {
  readonly source: string;
  readonly malformed: number;
  readonly deadLettered: number;
  /** Malformed-looking inputs the wire schema accepts by design (published). */
  readonly tolerated: number;
  /** Inputs the source ignores by design (neither published nor dead-lettered). */
  readonly ignored: number;
  readonly good: number;
  readonly crashes: number;
  /** RSS before the corpus and its peak during it. */
  readonly startRssMb: number;
  readonly peakRssMb: number;
  readonly seconds: number;
  readonly seed: number;
  readonly inputMb: number;
  readonly families: Record<string, number>;
  readonly note?: string;
}

const REPORT = join(dirname(fileURLToPath(import.meta.url)), "../../.reports/fuzz.jsonl");

/** Prints the `FUZZ <source>: …` line and appends the row to `.reports/fuzz.jsonl`. */
export function recordFuzz(row: FuzzRow): void {
  mkdirSync(dirname(REPORT), { recursive: true });
  appendFileSync(REPORT, `${JSON.stringify({ time: new Date().toISOString(), ...row })}\n`);
  process.stdout.write(
    `FUZZ ${row.source}: ${row.malformed} malformed inputs, ${row.deadLettered} ${row.source === "gateway" ? "answered 4xx" : "dead-lettered"}, ${row.good} good records delivered, ${row.crashes} crashes, peak RSS ${row.peakRssMb} MB\n`,
  );
}

/** The sum of a counter over every series whose labels include `match` (e.g. `source="obs"`). */
export function counterSum(metricsText: string, name: string, match: string): number {
  return metricsText
    .split("\n")
    .filter((line) => line.startsWith(`${name}{`) && line.includes(match))
    .reduce((sum, line) => sum + Number(line.split(" ").at(-1)), 0);
}

/**
 * Waits until `source` has published or dead-lettered at least `settled` inputs in total. The
 * feeders call it every few dozen inputs, so the backlog inside the process under test stays
 * near `slack` records rather than the whole corpus: what is measured is what bad input costs,
 * not how much an unthrottled burst can queue (reported separately where it matters).
 */
export async function keepUp(
  nc: NatsConnection,
  source: string,
  settled: number,
  timeoutMs = 30_000,
): Promise<void> {
  await waitFor(
    async () =>
      (await countStream(nc, DEAD_LETTERS_STREAM, `dlq.ingest.${source}`)) +
        (await countStream(nc, EVENTS_STREAM, `events.${source}.>`)) >=
      settled,
    { timeoutMs, intervalMs: 20, message: `${source} kept up with ${settled} inputs` },
  );
}
