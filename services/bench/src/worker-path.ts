import { EventRouter, subscribe } from "@castbus/router";
import { createLogger } from "@castbus/telemetry";
import type { NatsConnection } from "@nats-io/transport-node";
import { rate } from "./measure.js";

/**
 * Events per second through `subscribe()` — consume, parse, validate, route to a trivial
 * handler, ack — over `count` envelopes already in the stream.
 */
export async function castbusWorkerPath(
  nc: NatsConnection,
  subject: string,
  count: number,
): Promise<number> {
  let handled = 0;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const router = new EventRouter().on(">", () => {
    if (++handled === count) done();
  });
  const started = performance.now();
  const subscription = await subscribe(router, {
    nc,
    group: "bench-worker",
    subjects: [subject],
    concurrency: 256,
    maxAckPending: 10_000,
    logger: createLogger({ service: "bench-worker", level: "warn" }),
  });
  await finished;
  const result = rate(count, performance.now() - started);
  await subscription.stop();
  return result;
}
