import { DEAD_LETTERS_STREAM, EVENTS_STREAM } from "@castbus/events";
import { freePort, startNatsServer, type NatsServerHandle } from "@castbus/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CheckpointStore,
  JetStreamUnavailableError,
  Publisher,
  StreamNotFoundError,
  checkpointHistory,
  connectForTool,
  connectNats,
  consumerState,
  deleteStreamMessage,
  ensureDurableConsumer,
  getStreamMessage,
  listCheckpoints,
  listConsumers,
  provision,
  purgeStream,
  readMessages,
  serverInfo,
  streamStats,
  type NatsConnection,
  type ReadOptions,
  type StreamMessage,
} from "../src/index.js";
import { testNatsConfig, testStreamConfig } from "./fixtures.js";

let server: NatsServerHandle;
let nc: NatsConnection;
let publisher: Publisher;
let before: Date;
beforeAll(async () => {
  server = await startNatsServer();
  nc = await connectNats(testNatsConfig(server.url), { name: "admin-test" });
  await provision(nc, testStreamConfig());
  publisher = new Publisher(nc);
  before = new Date();
  for (let i = 1; i <= 5; i++) {
    await publisher.publish({
      subject: i % 2 === 0 ? "events.custom.even" : "events.custom.odd",
      data: Buffer.from(JSON.stringify({ i })),
      msgId: `admin-${i}`,
      headers: { "X-Test": String(i) },
    });
  }
});
afterAll(async () => {
  await publisher?.close();
  await nc?.close();
  await server?.dispose();
});

async function collect(options: ReadOptions): Promise<StreamMessage[]> {
  const out: StreamMessage[] = [];
  for await (const msg of readMessages(nc, options)) out.push(msg);
  return out;
}

describe("admin: streams and messages", () => {
  it("reports server identity and version", () => {
    const info = serverInfo(nc);
    expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(info.jetstream).toBe(true);
    expect(info.url).toContain(String(server.port));
  });

  it("reports a stream's counts, bytes and first/last times", async () => {
    const stats = await streamStats(nc, EVENTS_STREAM);
    expect(stats).toMatchObject({ name: "EVENTS", messages: 5, firstSeq: 1, lastSeq: 5 });
    expect(stats.bytes).toBeGreaterThan(0);
    expect(stats.firstTime!.getTime()).toBeGreaterThanOrEqual(before.getTime() - 1000);
    expect(stats.duplicateWindowMs).toBe(120_000);
    const empty = await streamStats(nc, DEAD_LETTERS_STREAM);
    expect(empty).toMatchObject({ messages: 0, firstTime: undefined, lastTime: undefined });
  });

  it("throws StreamNotFoundError for a missing stream", async () => {
    await expect(streamStats(nc, "NOPE")).rejects.toBeInstanceOf(StreamNotFoundError);
    await expect(getStreamMessage(nc, "NOPE", 1)).rejects.toBeInstanceOf(StreamNotFoundError);
    await expect(collect({ stream: "NOPE" })).rejects.toBeInstanceOf(StreamNotFoundError);
  });

  it("gets one message by sequence with its headers, undefined when there is none", async () => {
    const msg = await getStreamMessage(nc, EVENTS_STREAM, 2);
    expect(msg).toMatchObject({ subject: "events.custom.even", seq: 2 });
    expect(msg!.headers).toMatchObject({ "Nats-Msg-Id": "admin-2", "X-Test": "2" });
    expect(JSON.parse(Buffer.from(msg!.data).toString())).toEqual({ i: 2 });
    expect(await getStreamMessage(nc, EVENTS_STREAM, 99)).toBeUndefined();
  });

  it("reads a subject from a sequence or a time and stops at the end without follow", async () => {
    const odd = await collect({ stream: EVENTS_STREAM, filter: "events.custom.odd" });
    expect(odd.map((m) => m.seq)).toEqual([1, 3, 5]);
    const fromSeq = await collect({ stream: EVENTS_STREAM, from: { policy: "seq", seq: 4 } });
    expect(fromSeq.map((m) => m.seq)).toEqual([4, 5]);
    const fromTime = await collect({
      stream: EVENTS_STREAM,
      from: { policy: "time", time: before },
    });
    expect(fromTime).toHaveLength(5);
    const future = new Date(Date.now() + 60_000);
    expect(
      await collect({ stream: EVENTS_STREAM, from: { policy: "time", time: future } }),
    ).toEqual([]);
    const headersOnly = await collect({ stream: EVENTS_STREAM, headersOnly: true });
    expect(headersOnly[0]!.data).toHaveLength(0);
    expect(headersOnly[0]!.headers["Nats-Msg-Id"]).toBe("admin-1");
  });

  it("follows new messages until the signal aborts, leaving no consumer behind", async () => {
    const stop = new AbortController();
    const seen: number[] = [];
    const reading = (async () => {
      for await (const msg of readMessages(nc, {
        stream: EVENTS_STREAM,
        from: { policy: "new" },
        follow: true,
        signal: stop.signal,
      })) {
        seen.push(msg.seq);
        if (seen.length === 2) stop.abort();
      }
    })();
    await waitUntil(async () => (await listConsumers(nc, EVENTS_STREAM)).length === 1);
    await publisher.publish({ subject: "events.custom.x", data: Buffer.from("{}"), msgId: "f-1" });
    await publisher.publish({ subject: "events.custom.x", data: Buffer.from("{}"), msgId: "f-2" });
    await reading;
    expect(seen).toEqual([6, 7]);
    expect(await listConsumers(nc, EVENTS_STREAM)).toEqual([]);
  });

  it("deletes one message by sequence and purges a subject", async () => {
    expect(await deleteStreamMessage(nc, EVENTS_STREAM, 1)).toBe(true);
    expect(await deleteStreamMessage(nc, EVENTS_STREAM, 1)).toBe(false);
    expect(await purgeStream(nc, EVENTS_STREAM, { filter: "events.custom.even" })).toBe(2);
    const left = await collect({ stream: EVENTS_STREAM });
    expect(left.map((m) => m.seq)).toEqual([3, 5, 6, 7]);
  });
});

describe("admin: purge", () => {
  it("purges only what was seen: messages before a sequence, on a subject", async () => {
    for (const id of ["p-1", "p-2", "p-3"]) {
      await publisher.publish({ subject: "dlq.worker.p", data: Buffer.from(id), msgId: id });
    }
    const seen = await collect({ stream: DEAD_LETTERS_STREAM, filter: "dlq.worker.p" });
    await publisher.publish({ subject: "dlq.worker.p", data: Buffer.from("late"), msgId: "p-4" });
    const purged = await purgeStream(nc, DEAD_LETTERS_STREAM, {
      filter: "dlq.worker.p",
      beforeSeq: seen.at(-1)!.seq + 1,
    });
    expect(purged).toBe(3);
    const left = await collect({ stream: DEAD_LETTERS_STREAM });
    expect(left.map((m) => Buffer.from(m.data).toString())).toEqual(["late"]);
    expect(await purgeStream(nc, DEAD_LETTERS_STREAM)).toBe(1);
  });
});

describe("admin: consumers", () => {
  it("lists durable consumers with pending and ack-pending, undefined for a missing one", async () => {
    await ensureDurableConsumer(nc, {
      stream: EVENTS_STREAM,
      name: "group-a",
      filterSubjects: ["events.>"],
      ackWaitMs: 30_000,
      maxAckPending: 100,
      deliverFrom: { policy: "all" },
    });
    const [state] = await listConsumers(nc, EVENTS_STREAM);
    expect(state).toMatchObject({
      name: "group-a",
      durable: true,
      filterSubjects: ["events.>"],
      pending: 4,
      ackPending: 0,
    });
    expect(await consumerState(nc, EVENTS_STREAM, "group-a")).toEqual(state);
    expect(await consumerState(nc, EVENTS_STREAM, "group-b")).toBeUndefined();
  });
});

describe("admin: checkpoints", () => {
  it("lists checkpoints with revision and time, and keeps each key's history", async () => {
    const store = await CheckpointStore.open(nc);
    const first = await store.save("obs.studio", { cursor: 1 }, undefined);
    await store.save("obs.studio", { cursor: 2 }, first);
    await store.save("chaturbate.alice", { i: "x" }, undefined);
    await store.save("twitch.gone", { i: 1 }, undefined);
    await store.delete("twitch.gone");
    const list = await listCheckpoints(nc);
    expect(list.map((e) => [e.key, e.value])).toEqual([
      ["chaturbate.alice", { i: "x" }],
      ["obs.studio", { cursor: 2 }],
    ]);
    expect(list[1]!.updated).toBeInstanceOf(Date);
    const history = await checkpointHistory(nc, "obs.studio");
    expect(history.map((e) => e.value)).toEqual([{ cursor: 1 }, { cursor: 2 }]);
    const deleted = await checkpointHistory(nc, "twitch.gone");
    expect(deleted.map((e) => e.operation)).toEqual(["PUT", "DEL"]);
  });

  it("throws StreamNotFoundError when the bucket does not exist", async () => {
    await expect(listCheckpoints(nc, "NO_SUCH_BUCKET")).rejects.toBeInstanceOf(StreamNotFoundError);
  });
});

describe("admin: connecting a tool", () => {
  it("connects with the services' settings, and fails at once when nothing listens", async () => {
    const conn = await connectForTool(testNatsConfig(server.url), { name: "tool" });
    expect(serverInfo(conn).jetstream).toBe(true);
    await conn.close();
    const port = await freePort();
    const started = Date.now();
    await expect(
      connectForTool(testNatsConfig(`nats://127.0.0.1:${port}`), { name: "tool" }),
    ).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(3000);
  });
});

describe("admin: JetStream unavailable", () => {
  it("throws JetStreamUnavailableError for an account without JetStream", async () => {
    const accounts = await startNatsServer({
      config: "accounts { PLAIN: { users: [{ user: plain, password: plain-pass-123 }] } }",
    });
    const conn = await connectNats(
      testNatsConfig(accounts.url, { NATS_USER: "plain", NATS_PASSWORD: "plain-pass-123" }),
      { name: "no-js" },
    );
    try {
      const error = await streamStats(conn, EVENTS_STREAM).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(JetStreamUnavailableError);
      expect((error as JetStreamUnavailableError).retryable).toBe(false);
    } finally {
      await conn.close();
      await accounts.dispose();
    }
  });
});

async function waitUntil(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200 && !(await check()); i++) await new Promise((r) => setTimeout(r, 25));
}
