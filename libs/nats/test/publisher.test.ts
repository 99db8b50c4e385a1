import { EVENTS_STREAM } from "@castbus/events";
import { readStream, startNatsServer, type NatsServerHandle } from "@castbus/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  connectNats,
  provision,
  Publisher,
  PublishError,
  type NatsConnection,
} from "../src/index.js";
import { jetstreamManagerFor, testNatsConfig, testStreamConfig } from "./fixtures.js";

let server: NatsServerHandle;
let nc: NatsConnection;

beforeAll(async () => {
  server = await startNatsServer();
  nc = await connectNats(testNatsConfig(server.url), {
    name: "publisher-test",
    reconnectTimeWaitMs: 100,
  });
  await provision(nc, testStreamConfig());
});
afterAll(async () => {
  await nc?.close();
  await server?.dispose();
});

const encoder = new TextEncoder();
const message = (i: number, prefix = "p") => ({
  subject: `events.test.${prefix}`,
  data: encoder.encode(JSON.stringify({ i })),
  msgId: `${prefix}-${i}`,
});

describe("Publisher", () => {
  it("keeps many publishes in flight and acks each exactly once", async () => {
    const publisher = new Publisher(nc, { maxInFlight: 256 });
    const acks = [];
    for (let i = 0; i < 5000; i++) {
      if (!publisher.hasCapacity) await publisher.waitForCapacity();
      expect(publisher.inFlight).toBeLessThanOrEqual(256);
      acks.push(publisher.publish(message(i, "window")));
    }
    const settled = await Promise.all(acks);
    expect(new Set(settled.map((a) => a.seq)).size).toBe(5000);
    expect(settled.every((a) => a.stream === EVENTS_STREAM && !a.duplicate)).toBe(true);
    await publisher.close();
  });

  it("reports a re-published msg id as a duplicate and stores it once", async () => {
    const publisher = new Publisher(nc);
    const first = await publisher.publish(message(1, "dup"));
    const again = await publisher.publish(message(1, "dup"));
    expect(again).toEqual({ stream: EVENTS_STREAM, seq: first.seq, duplicate: true });
    const stored = await readStream(nc, EVENTS_STREAM, "events.test.dup");
    expect(stored).toHaveLength(1);
    expect(stored[0]!.headers["Nats-Msg-Id"]).toBe("dup-1");
    await publisher.close();
  });

  it("rejects a message the stream cannot take with a non-retryable PublishError", async () => {
    const publisher = new Publisher(nc);
    const huge = {
      subject: "events.test.huge",
      data: new Uint8Array(2 * 1024 * 1024),
      msgId: "huge",
    };
    const error = await publisher.publish(huge).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PublishError);
    expect((error as PublishError).retryable).toBe(false);
    await publisher.close();
  });

  it("retries through a broker restart without losing or duplicating a message", async () => {
    const publisher = new Publisher(nc, { ackTimeoutMs: 500 });
    const pending = [];
    for (let i = 0; i < 200; i++) pending.push(publisher.publish(message(i, "restart")));
    await server.stop();
    for (let i = 200; i < 400; i++) pending.push(publisher.publish(message(i, "restart")));
    await server.restart();
    const acks = await Promise.all(pending);
    expect(acks).toHaveLength(400);
    const stored = await readStream(nc, EVENTS_STREAM, "events.test.restart");
    const ids = stored.map((m) => m.headers["Nats-Msg-Id"]);
    expect(new Set(ids).size).toBe(400);
    expect(ids).toHaveLength(400);
    await publisher.close();
  });

  it("waits for a missing stream and publishes once it exists again", async () => {
    const retries: string[] = [];
    const publisher = new Publisher(nc, { onRetry: (reason) => retries.push(reason) });
    const jsm = await jetstreamManagerFor(nc);
    await jsm.streams.delete(EVENTS_STREAM);
    const ack = publisher.publish(message(1, "nostream"));
    await new Promise((r) => setTimeout(r, 600));
    expect(retries).toContain("no_responders");
    await provision(nc, testStreamConfig());
    await expect(ack).resolves.toMatchObject({ stream: EVENTS_STREAM, duplicate: false });
    await publisher.close();
  });
});
