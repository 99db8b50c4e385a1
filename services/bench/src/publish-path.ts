import { loadConfig } from "@castbus/config";
import { CHECKPOINTS_BUCKET } from "@castbus/events";
import {
  ingestEnvShape,
  createIngester,
  type MapResult,
  type PullBatch,
  type PullSource,
  type UpstreamRecord,
} from "@castbus/ingest";
import { toEvent } from "@castbus/ingester-chaturbate";
import { createLogger } from "@castbus/telemetry";
import { Publisher } from "@castbus/nats";
import { Kvm } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/transport-node";
import { z } from "zod";
import { rate } from "./measure.js";

/**
 * Chaturbate wire events served from memory in batches, mapped by the real Chaturbate mapping:
 * the whole castbus ingest path (runner loop, mapping, schema validation, envelope, windowed
 * publish, ordered checkpoint) without the HTTP long-poll in front of it.
 */
class MemorySource implements PullSource<number> {
  readonly kind = "pull";
  readonly name = "chaturbate";
  readonly account = "bench";
  readonly #items: readonly unknown[];
  readonly #batch: number;

  constructor(items: readonly unknown[], batch: number) {
    this.#items = items;
    this.#batch = batch;
  }

  toEvent(record: UpstreamRecord): MapResult {
    return toEvent(record, { account: this.account, keepRaw: false });
  }

  async read(cursor: number | undefined, signal: AbortSignal): Promise<PullBatch<number>> {
    const from = cursor ?? 0;
    if (from >= this.#items.length) {
      await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
      return { records: [], next: from };
    }
    const receivedAt = performance.now();
    const receivedTime = new Date();
    const records = this.#items.slice(from, from + this.#batch).map((value) => ({
      value,
      receivedAt,
      receivedTime,
      get raw() {
        return JSON.stringify(value);
      },
    }));
    return { records, next: from + records.length };
  }
}

/**
 * castbus's `Publisher` by itself: ready-made bodies with msg ids, 4,096 in flight, every ack
 * awaited — the Go client's async-publish pattern, and the ceiling of the ingest path's publish
 * stage (the rest of the path is mapping, validation and envelopes).
 */
export async function castbusPublisherAlone(
  nc: NatsConnection,
  body: Uint8Array,
  count: number,
): Promise<number> {
  const publisher = new Publisher(nc, { maxInFlight: 4096 });
  const started = performance.now();
  let acked = 0;
  let failed: Error | undefined;
  const allAcked = new Promise<void>((resolve, reject) => {
    const done = (error: Error | undefined) => {
      if (error !== undefined) failed ??= error;
      if (++acked < count) return;
      if (failed === undefined) resolve();
      else reject(failed);
    };
    void (async () => {
      for (let i = 0; i < count; i++) {
        if (!publisher.hasCapacity) await publisher.waitForCapacity();
        publisher.send({ subject: "events.bench.publisher", data: body, msgId: `pub-${i}` }, done);
      }
    })();
  });
  await allAcked;
  const result = rate(count, performance.now() - started);
  await publisher.close();
  return result;
}

/** Events per second through the ingest path, until the checkpoint covers the last one. */
export async function castbusPublishPath(
  natsUrl: string,
  nc: NatsConnection,
  items: readonly unknown[],
): Promise<number> {
  const config = loadConfig(z.object(ingestEnvShape), {
    NATS_URL: natsUrl,
    HTTP_PORT: "0",
    INGEST_MAX_IN_FLIGHT: "4096",
  });
  const source = new MemorySource(items, 1000);
  const started = performance.now();
  const ingester = await createIngester({
    service: "bench-ingester",
    config,
    sources: [source],
    logger: createLogger({ service: "bench-ingester", level: "warn" }),
  });
  const kv = await new Kvm(nc).open(CHECKPOINTS_BUCKET);
  for (;;) {
    const entry = await kv.get("chaturbate.bench");
    if (entry !== null && entry.json<{ cursor: number }>().cursor >= items.length) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  const result = rate(items.length, performance.now() - started);
  await ingester.stop();
  return result;
}
