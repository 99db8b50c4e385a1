import { loadConfig } from "@castbus/config";
import { Backoff } from "@castbus/http";
import { createLogger } from "@castbus/telemetry";
import { LineCapture } from "@castbus/testing";
import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import {
  createIngester,
  ingestEnvShape,
  type Ingester,
  type MapResult,
  type PullBatch,
  type PullSource,
  type PushSink,
  type PushSource,
  type Source,
  type UpstreamRecord,
} from "../src/index.js";

/** A record as an upstream would send it: `{ n }` is a good one, anything else is malformed. */
export function record(value: unknown): UpstreamRecord {
  return {
    raw: JSON.stringify(value),
    value,
    receivedAt: performance.now(),
    receivedTime: new Date(),
  };
}

/** Maps `{ n }` to a `custom.test` event with id `test:<n>`. */
export function mapTestRecord(r: UpstreamRecord): MapResult {
  const n = (r.value as { n?: unknown } | null)?.n;
  if (typeof n !== "number")
    return { ok: false, reason: "invalid_payload", message: "n is not a number" };
  return { ok: true, event: { id: `test:${n}`, type: "custom.test", data: { n } } };
}

/**
 * An in-memory upstream for runner tests: pages of records addressed by a numeric cursor, and a
 * script of failures to throw first. It stands in for an upstream, not for the runner under test.
 */
export class PagedSource implements PullSource<number> {
  readonly kind = "pull";
  readonly name = "paged";
  readonly account: string;
  readonly backoff = new Backoff({ initialMs: 10, maxMs: 50 });
  readonly pages: unknown[][] = [];
  readonly failures: unknown[] = [];
  readonly reads: (number | undefined)[] = [];

  constructor(account = "acct") {
    this.account = account;
  }

  toEvent(r: UpstreamRecord): MapResult {
    return mapTestRecord(r);
  }

  async read(cursor: number | undefined, signal: AbortSignal): Promise<PullBatch<number>> {
    this.reads.push(cursor);
    const failure = this.failures.shift();
    if (failure !== undefined) throw failure;
    const index = cursor ?? 0;
    const page = this.pages[index];
    if (page === undefined) {
      await sleep(20, undefined, { signal }).catch(() => undefined);
      return { records: [], next: index };
    }
    return { records: page.map(record), next: index + 1 };
  }
}

/** A push source fed by the test through `push()`. */
export class QueueSource implements PushSource {
  readonly kind = "push";
  readonly name = "queue";
  readonly account = "q";
  sink: PushSink | undefined;
  runs = 0;
  failNextRun: unknown;

  toEvent(r: UpstreamRecord): MapResult {
    return mapTestRecord(r);
  }

  async run(sink: PushSink, signal: AbortSignal): Promise<void> {
    this.runs += 1;
    if (this.failNextRun !== undefined) {
      const failure = this.failNextRun;
      this.failNextRun = undefined;
      throw failure;
    }
    this.sink = sink;
    sink.setUpstream(true);
    await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
  }
}

/** Starts an ingester over `sources` against `natsUrl`, logging into a capture. */
export async function startIngester(natsUrl: string, sources: Source[], onFatal?: () => void) {
  const logs = new LineCapture();
  const config = loadConfig(z.object(ingestEnvShape), {
    NATS_URL: natsUrl,
    HTTP_PORT: "0",
    INGEST_ACK_TIMEOUT_MS: "500",
  });
  const ingester: Ingester = await createIngester({
    service: "ingester-test",
    config,
    sources,
    logger: createLogger({ service: "ingester-test", level: "debug", destination: logs }),
    ...(onFatal === undefined ? {} : { onFatal }),
  });
  return { ingester, logs };
}
