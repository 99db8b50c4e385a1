import { jetstream, jetstreamManager, AckPolicy } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { rate } from "./measure.js";

/**
 * The raw nats.js figures castbus is compared with, measured in the same run on the same
 * server and the same message body:
 * - `js.publish()` with 1,000 publishes in flight (the straightforward fast client),
 * - plain core publishes into the stream with no acks (what the broker can store),
 * - pull consume + ack on a durable consumer (what a consumer can do with no work per message).
 */
export async function jsPublishWindow(
  nc: NatsConnection,
  body: Uint8Array,
  count: number,
): Promise<number> {
  const js = jetstream(nc);
  const inFlight = new Set<Promise<unknown>>();
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const ack = js.publish("events.bench.raw", body, { msgID: `raw-js-${i}` });
    inFlight.add(ack);
    void ack.finally(() => inFlight.delete(ack));
    if (inFlight.size >= 1000) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  return rate(count, performance.now() - started);
}

/** Core publishes without a reply, timed until the stream holds them all. */
export async function corePublishNoAck(
  nc: NatsConnection,
  body: Uint8Array,
  count: number,
): Promise<number> {
  const jsm = await jetstreamManager(nc);
  const target = (await jsm.streams.info("EVENTS")).state.messages + count;
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    nc.publish("events.bench.noack", body);
    if (i % 5000 === 4999) await nc.flush(); // keep the client's outbound buffer bounded
  }
  await nc.flush();
  while ((await jsm.streams.info("EVENTS")).state.messages < target)
    await new Promise((r) => setTimeout(r, 2));
  return rate(count, performance.now() - started);
}

/** A durable pull consumer over `subject`, every message acked, no other work. */
export async function rawConsumeAck(
  nc: NatsConnection,
  subject: string,
  count: number,
): Promise<number> {
  const jsm = await jetstreamManager(nc);
  await jsm.consumers.add("EVENTS", {
    durable_name: "bench-raw",
    ack_policy: AckPolicy.Explicit,
    filter_subject: subject,
  });
  const consumer = await jetstream(nc).consumers.get("EVENTS", "bench-raw");
  const started = performance.now();
  const messages = await consumer.consume({ max_messages: 1000 });
  let seen = 0;
  for await (const msg of messages) {
    msg.ack();
    if (++seen >= count) break;
  }
  const result = rate(count, performance.now() - started);
  await messages.close();
  await jsm.consumers.delete("EVENTS", "bench-raw");
  return result;
}
