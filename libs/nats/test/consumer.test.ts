import { EVENTS_STREAM } from "@castbus/events";
import { startNatsServer, waitFor, type NatsServerHandle } from "@castbus/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ConsumerConfigError,
  Publisher,
  connectNats,
  consumeDurable,
  consumerLag,
  ensureDurableConsumer,
  provision,
  serverAtLeast,
  type Delivery,
  type NatsConnection,
} from "../src/index.js";
import { testNatsConfig, testStreamConfig } from "./fixtures.js";

let server: NatsServerHandle;
let nc: NatsConnection;
beforeAll(async () => {
  server = await startNatsServer();
  nc = await connectNats(testNatsConfig(server.url), { name: "consumer-test" });
  await provision(nc, testStreamConfig());
});
afterAll(async () => {
  await nc?.close();
  await server?.dispose();
});

const options = (name: string, subjects = ["events.test.>"]) => ({
  stream: EVENTS_STREAM,
  name,
  filterSubjects: subjects,
  ackWaitMs: 2000,
  maxAckPending: 100,
  deliverFrom: { policy: "all" as const },
});

async function publish(count: number, prefix: string): Promise<void> {
  const publisher = new Publisher(nc);
  await Promise.all(
    Array.from({ length: count }, (_, i) =>
      publisher.publish({
        subject: `events.test.${prefix}`,
        data: Buffer.from(String(i)),
        msgId: `${prefix}-${i}`,
      }),
    ),
  );
  await publisher.close();
}

describe("durable consumers", () => {
  it("creates a consumer once and updates only what may change", async () => {
    expect(await ensureDurableConsumer(nc, options("g1"))).toBe("created");
    expect(await ensureDurableConsumer(nc, options("g1"))).toBe("unchanged");
    expect(await ensureDurableConsumer(nc, { ...options("g1"), ackWaitMs: 5000 })).toBe("updated");
  });

  it("refuses several filter subjects on a server older than 2.10", async () => {
    if (serverAtLeast(nc, 2, 10)) return; // newer servers support it
    await expect(
      ensureDurableConsumer(nc, options("g2", ["events.a.>", "events.b.>"])),
    ).rejects.toBeInstanceOf(ConsumerConfigError);
  });

  it("runs at most `concurrency` handlers at once and stops cleanly with every message handled", async () => {
    await ensureDurableConsumer(nc, options("g3", ["events.test.conc"]));
    await publish(60, "conc");
    let active = 0;
    let peak = 0;
    const handled: number[] = [];
    const stop = new AbortController();
    const loop = consumeDurable(nc, {
      stream: EVENTS_STREAM,
      name: "g3",
      concurrency: 4,
      ackWaitMs: 2000,
      signal: stop.signal,
      handle: async (d: Delivery) => {
        active += 1;
        peak = Math.max(peak, active);
        await new Promise((r) => setTimeout(r, 5));
        handled.push(Number(Buffer.from(d.data).toString()));
        active -= 1;
        d.ack();
      },
    });
    await waitFor(() => handled.length === 60, { timeoutMs: 10_000 });
    stop.abort();
    await loop;
    expect(peak).toBe(4);
    expect(new Set(handled).size).toBe(60);
    await waitFor(async () => (await consumerLag(nc, EVENTS_STREAM, "g3")).ackPending === 0);
    expect(await consumerLag(nc, EVENTS_STREAM, "g3")).toEqual({ pending: 0, ackPending: 0 });
  });

  it("redelivers a nak'd message with its delivery count", async () => {
    await ensureDurableConsumer(nc, options("g4", ["events.test.nak"]));
    await publish(1, "nak");
    const counts: number[] = [];
    const stop = new AbortController();
    const loop = consumeDurable(nc, {
      stream: EVENTS_STREAM,
      name: "g4",
      concurrency: 1,
      ackWaitMs: 2000,
      signal: stop.signal,
      handle: async (d) => {
        counts.push(d.deliveryCount);
        if (d.deliveryCount < 3) d.nak(10);
        else d.ack();
      },
    });
    await waitFor(() => counts.length === 3);
    stop.abort();
    await loop;
    expect(counts).toEqual([1, 2, 3]);
  });
});
