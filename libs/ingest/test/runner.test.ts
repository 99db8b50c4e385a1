import { loadConfig } from "@castbus/config";
import { CHECKPOINTS_BUCKET, DEAD_LETTERS_STREAM, EVENTS_STREAM } from "@castbus/events";
import { RateLimitError, ServerError } from "@castbus/http";
import { provision, streamEnvShape } from "@castbus/nats";
import {
  connectTestNats,
  readStream,
  startNatsServer,
  waitFor,
  type NatsServerHandle,
} from "@castbus/testing";
import { jetstreamManager } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/transport-node";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { FatalSourceError, MalformedResponseError, type Ingester } from "../src/index.js";
import { PagedSource, QueueSource, record, startIngester } from "./fixtures.js";

let server: NatsServerHandle;
let nc: NatsConnection;
let running: Ingester[] = [];
beforeEach(async () => {
  server = await startNatsServer();
  nc = await connectTestNats(server.url);
});
afterEach(async () => {
  await Promise.all(running.map((i) => i.stop()));
  running = [];
  await nc.close();
  await server.dispose();
});

async function start(
  ...args: Parameters<typeof startIngester> extends [string, ...infer R] ? R : never
) {
  const started = await startIngester(server.url, ...args);
  running.push(started.ingester);
  return started;
}

async function checkpoint(key: string): Promise<unknown> {
  const kv = await new Kvm(nc).open(CHECKPOINTS_BUCKET);
  const entry = await kv.get(key);
  return entry === null ? undefined : entry.json<{ cursor: unknown }>().cursor;
}

const stored = () => readStream(nc, EVENTS_STREAM, "events.custom.test");

describe("ingest runner", () => {
  it("publishes every record and checkpoints the cursor after the last acked batch", async () => {
    const source = new PagedSource();
    source.pages.push([{ n: 1 }, { n: 2 }], [{ n: 3 }]);
    await start([source]);
    await waitFor(async () => (await checkpoint("paged.acct")) === 2);
    expect((await stored()).map((m) => m.json()["id"])).toEqual(["test:1", "test:2", "test:3"]);
  });

  it("does not move the checkpoint while publishes wait for their ack", async () => {
    const source = new PagedSource();
    source.pages.push([{ n: 1 }]);
    const { ingester } = await start([source]);
    await waitFor(async () => (await checkpoint("paged.acct")) === 1);
    const jsm = await jetstreamManager(nc);
    await jsm.streams.delete(EVENTS_STREAM); // publishes now get "no responders" and are retried
    source.pages.push([{ n: 2 }, { n: 3 }]);
    await waitFor(() => source.reads.includes(2));
    await new Promise((r) => setTimeout(r, 500));
    expect(await checkpoint("paged.acct")).toBe(1);
    await provision(ingester.nc, loadConfig(z.object(streamEnvShape), {}));
    await waitFor(async () => (await checkpoint("paged.acct")) === 2, { timeoutMs: 10_000 });
    expect((await stored()).map((m) => m.json()["id"])).toEqual(["test:2", "test:3"]);
  });

  it("resumes from the saved cursor after a restart", async () => {
    const first = new PagedSource();
    first.pages.push([{ n: 1 }], [{ n: 2 }]);
    const { ingester } = await start([first]);
    await waitFor(async () => (await checkpoint("paged.acct")) === 2);
    await ingester.stop();
    const second = new PagedSource();
    second.pages.push([{ n: 1 }], [{ n: 2 }], [{ n: 3 }]);
    await start([second]);
    await waitFor(async () => (await checkpoint("paged.acct")) === 3);
    expect(second.reads[0]).toBe(2);
    expect((await stored()).map((m) => m.json()["id"])).toEqual(["test:1", "test:2", "test:3"]);
  });

  it("dead-letters bad records and unparsable responses with their raw bytes, and keeps going", async () => {
    const source = new PagedSource();
    source.pages.push([{ n: 1 }, { nope: true }, { n: 2 }]);
    source.failures.push(
      new MalformedResponseError("body is not JSON", { raw: "{oops", reason: "invalid_json" }),
    );
    await start([source]);
    await waitFor(async () => (await stored()).length === 2);
    const dead = await waitFor(async () => {
      const messages = await readStream(nc, DEAD_LETTERS_STREAM, "dlq.ingest.paged");
      return messages.length === 2 && messages;
    });
    expect(dead.map((m) => [m.headers["Castbus-Reason"], m.text])).toEqual([
      ["invalid_json", "{oops"],
      ["invalid_payload", '{"nope":true}'],
    ]);
  });

  it("retries retryable failures with backoff, honouring Retry-After", async () => {
    const source = new PagedSource();
    source.pages.push([{ n: 1 }]);
    source.failures.push(
      new ServerError("502", { kind: "server", retryable: true, status: 502 }),
      new RateLimitError("429", {
        kind: "rate_limit",
        retryable: true,
        status: 429,
        retryAfterMs: 400,
      }),
    );
    const started = Date.now();
    await start([source]);
    await waitFor(async () => (await stored()).length === 1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    expect(source.reads).toEqual([undefined, undefined, undefined, 1]);
  });

  it("stops a source on a fatal error, fails readiness and reports it", async () => {
    const source = new PagedSource();
    source.failures.push(new FatalSourceError("bad credentials", { kind: "auth" }));
    let fatal = 0;
    const { ingester } = await start([source], () => void fatal++);
    await waitFor(() => fatal === 1);
    const report = ingester.readiness.report();
    expect(report.ready).toBe(false);
    expect(report.checks["upstream:paged/acct"]).toMatchObject({
      ok: false,
      reason: expect.stringContaining("bad credentials"),
    });
    await new Promise((r) => setTimeout(r, 200));
    expect(source.reads).toHaveLength(1);
  });

  it("keeps each account's cursor apart in one process", async () => {
    const a = new PagedSource("a");
    const b = new PagedSource("b");
    a.pages.push([{ n: 1 }]);
    b.pages.push([{ n: 2 }], [{ n: 3 }]);
    await start([a, b]);
    await waitFor(
      async () => (await checkpoint("paged.a")) === 1 && (await checkpoint("paged.b")) === 2,
    );
  });

  it("publishes what a push source emits and restarts it after a retryable failure", async () => {
    const source = new QueueSource();
    source.failNextRun = new ServerError("session dropped", {
      kind: "server",
      retryable: true,
      status: 500,
    });
    const { ingester } = await start([source]);
    await waitFor(() => source.sink !== undefined, { timeoutMs: 5000 });
    expect(source.runs).toBe(2);
    await source.sink!.emit(record({ n: 7 }));
    await waitFor(async () => (await stored()).length === 1);
    expect(ingester.readiness.report().checks["upstream:queue/q"]!.ok).toBe(true);
  });
});
