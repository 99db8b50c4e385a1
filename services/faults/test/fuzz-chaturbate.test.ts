import { startChaturbateSimulator, type ChaturbateSimulator } from "@castbus/simulators";
import {
  connectTestNats,
  countStream,
  startNatsServer,
  waitFor,
  type NatsServerHandle,
  type ServiceProcess,
} from "@castbus/testing";
import type { NatsConnection } from "@nats-io/transport-node";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CB_METHODS, cbBody, cbCase, cbItem, type BodyCase } from "./fuzz/chaturbate.js";
import { Corpus, familyCounts, fill, inputBytes } from "./fuzz/corpus.js";
import {
  HEAP_CAP,
  RssSampler,
  checkDeadLetters,
  checkEvents,
  counterSum,
  deadLetters,
  exited,
  readyAndHealthy,
  rssBoundMb,
  recordFuzz,
  storedEvents,
  telemetryBase,
} from "./fuzz/observe.js";
import { Random, fuzzCases, fuzzSeed } from "./fuzz/random.js";
import { deepText } from "./fuzz/values.js";
import { startService } from "./harness/processes.js";

const USER = "fuzzroom";
const TOKEN = "FuzzToken000000000000000";

let server: NatsServerHandle;
let sim: ChaturbateSimulator;
let nc: NatsConnection;
let proc: ServiceProcess;

beforeEach(async () => {
  server = await startNatsServer();
  sim = await startChaturbateSimulator({ accounts: [{ username: USER, token: TOKEN }], seed: 1 });
  nc = await connectTestNats(server.url);
  proc = startService("ingester-chaturbate", {
    ...HEAP_CAP,
    NATS_URL: server.url,
    CB_USERNAME: USER,
    CB_TOKEN: TOKEN,
    CB_BASE_URL: sim.baseUrl,
    CB_TIMEOUT_S: "1",
    CB_RETRY_BACKOFF_MS: "10",
    CB_RETRY_MAX_DELAY_MS: "50",
  });
  // Read once so the ingester holds a cursor: a request without one only gets the newest 20.
  sim.emitRaw(USER, cbItem("follow", "primer", USER), { withId: false });
  await waitFor(async () => (await countStream(nc, "EVENTS", "events.chaturbate.>")) === 1, {
    timeoutMs: 20_000,
    message: "the primer event",
  });
});

afterEach(async () => {
  await proc.stop("SIGKILL");
  await nc.close();
  await sim.close();
  await server.dispose();
});

const expectedId = (id: string) => `chaturbate:${USER}:${id}`;

describe("fuzz: ingester-chaturbate", () => {
  it("dead-letters every malformed item and body with its raw bytes, publishes every good item once, and stays up within its memory bound", async () => {
    const started = Date.now();
    const seed = fuzzSeed();
    const random = new Random(seed).fork(1);
    const total = fuzzCases(2000);
    const bodies = distinctBodies(random, Math.round(total * 0.08));
    const corpus = new Corpus();
    fill(corpus, total - bodies.length, (i) => cbCase(random, i, USER));
    const rss = new RssSampler(proc.pid);

    const goodIds = await feed(corpus, bodies, random);
    const wantDlq = corpus.with("dlq").length + bodies.filter((b) => b.verdict === "dlq").length;
    const wantEvents = 1 + goodIds.length + corpus.with("event").length;
    await waitFor(() => sim.requests.filter((r) => r.fault === "body").length >= bodies.length, {
      timeoutMs: 60_000,
      message: `${bodies.length} body faults served`,
    });
    await settled(wantDlq, wantEvents);
    rss.stop();
    const crashed = await exited(proc);
    const base = telemetryBase(proc);
    await readyAndHealthy(base);
    const metrics = await (await fetch(`${base}/metrics`)).text();

    const dlq = checkDeadLetters(
      await deadLetters(nc, "chaturbate"),
      [
        ...corpus.with("dlq").map((c) => JSON.stringify(c.payload)),
        ...bodies.filter((b) => b.verdict === "dlq").map((b) => b.body),
      ],
      "chaturbate",
    );
    const events = checkEvents(await storedEvents(nc, "chaturbate"), [
      expectedId("primer"),
      ...goodIds,
      ...corpus.with("event").map((c) => c.id!),
    ]);
    recordFuzz({
      source: "chaturbate",
      malformed: corpus.cases.length + bodies.length,
      deadLettered: wantDlq - dlq.missing.length,
      tolerated: corpus.with("event").length,
      ignored: bodies.filter((b) => b.verdict === "ignored").length,
      good: goodIds.length - events.missing.filter((id) => goodIds.includes(id)).length,
      crashes: crashed ? 1 : 0,
      startRssMb: rss.startMb,
      peakRssMb: rss.peakMb,
      seconds: (Date.now() - started) / 1000,
      seed,
      inputMb: Math.round(inputBytes(corpus.cases) / 1e5) / 10,
      families: { ...familyCounts(corpus.cases), body: bodies.length },
      note: `dead letters by reason: ${JSON.stringify(dlq.reasons)}`,
    });

    expect(crashed).toBe(false);
    expect(dlq).toMatchObject({ missing: [], unexpected: [], badHeaders: [] });
    expect(events).toEqual({ missing: [], duplicated: [], unexpected: [], invalid: [] });
    // Nothing was dropped silently: every rejection the ingester counted is a stored dead letter.
    expect(counterSum(metrics, "castbus_events_rejected_total", 'source="chaturbate"')).toBe(
      wantDlq,
    );
    expect(rss.peakMb).toBeLessThan(rssBoundMb("chaturbate"));
  }, 120_000);

  /** Emits every case followed by a good item, with a body fault queued every dozen items. */
  async function feed(
    corpus: Corpus,
    bodies: readonly BodyCase[],
    random: Random,
  ): Promise<string[]> {
    const goodIds: string[] = [];
    let nextBody = 0;
    for (const [i, c] of corpus.cases.entries()) {
      sim.emitRaw(USER, c.payload, { withId: false });
      sim.emitRaw(USER, cbItem(random.pick(CB_METHODS), `ok-${i}`, USER), { withId: false });
      goodIds.push(expectedId(`ok-${i}`));
      if (i % 12 === 0 && nextBody < bodies.length) {
        const b = bodies[nextBody++]!;
        sim.inject({
          kind: "body",
          body: b.body,
          ...(b.contentType === undefined ? {} : { contentType: b.contentType }),
        });
      }
      // Let the ingester read while the feed grows (and keep huge items apart in batches).
      if (i % 25 === 0) await new Promise((r) => setTimeout(r, 5));
    }
    for (const b of bodies.slice(nextBody)) sim.inject({ kind: "body", body: b.body });
    return goodIds;
  }
});

describe("fuzz: ingester-chaturbate, regressions found by fuzzing", () => {
  it("dead-letters an item nested 10,000 levels deep and keeps publishing the items after it", async () => {
    // cb-events serves the same batch again on every retry of the same cursor; the simulator's
    // emitRaw cannot carry this nesting (its own JSON.stringify overflows), so the body is queued
    // for every request instead. The first item is valid (the unknown member is dropped), the
    // second is not (no username), so only it needs its bytes serialized for a dead letter.
    const nested = deepText(10_000);
    const valid = `{"method":"follow","object":{"broadcaster":"${USER}","user":{"username":"d"},"x":${nested}},"id":"deep-ok"}`;
    const invalid = `{"method":"follow","object":{"broadcaster":"${USER}","user":{"x":${nested}}},"id":"deep-bad"}`;
    const after = JSON.stringify(cbItem("follow", "after-deep", USER));
    const last = sim.feed(USER).at(-1)!.id;
    const nextUrl = `${sim.baseUrl}/${USER}/${TOKEN}/?i=${last}&timeout=1`;
    sim.inject(
      { kind: "body", body: `{"events":[${valid},${invalid},${after}],"nextUrl":"${nextUrl}"}` },
      { times: 1000 },
    );
    await waitFor(async () => (await countStream(nc, "EVENTS", "events.chaturbate.>")) >= 3, {
      timeoutMs: 15_000,
      message: "the items around the deeply nested invalid one published",
    });
    const dlq = await deadLetters(nc, "chaturbate");
    expect(dlq.filter((m) => m.text.includes('"deep-bad"'))).toHaveLength(1);
    expect(await exited(proc)).toBe(false);
  }, 30_000);

  it("dead-letters an item holding bytes that are not UTF-8 with those bytes, and publishes the others", async () => {
    // Decoded leniently they would become U+FFFD: text Chaturbate never sent.
    const bad = Buffer.concat([
      Buffer.from(`{"method":"roomSubjectChange","object":{"broadcaster":"${USER}","subject":"a`),
      Buffer.from([0xff, 0xc3, 0x28]),
      Buffer.from(`"},"id":"utf8-bad"}`),
    ]);
    const good = JSON.stringify(cbItem("follow", "utf8-ok", USER));
    const last = sim.feed(USER).at(-1)!.id;
    const nextUrl = `${sim.baseUrl}/${USER}/${TOKEN}/?i=${last}&timeout=1`;
    const body = Buffer.concat([
      Buffer.from(`{"events":[${good},`),
      bad,
      Buffer.from(`],"nextUrl":"${nextUrl}"}`),
    ]);
    sim.inject({ kind: "body", body }, { times: 1000 });
    try {
      await waitFor(async () => (await storedEvents(nc, "chaturbate")).length >= 2, {
        timeoutMs: 15_000,
        message: "the valid item beside it published",
      });
      const dead = await waitFor(async () => {
        const found = (await deadLetters(nc, "chaturbate")).filter(
          (m) => m.headers["Castbus-Reason"] === "invalid_utf8",
        );
        return found.length > 0 && found;
      });
      expect(dead).toHaveLength(1);
      expect(Buffer.from(dead[0]!.data)).toEqual(bad);
      const ids = (await storedEvents(nc, "chaturbate")).map((m) => m.json<{ id: string }>().id);
      expect(ids).toContain(expectedId("utf8-ok"));
      expect(ids).not.toContain(expectedId("utf8-bad"));
    } finally {
      sim.clearFaults();
    }
  }, 30_000);

  it("dead-letters an item whose id holds CR/LF and keeps publishing the items after it", async () => {
    // A NATS header value cannot hold CR/LF, and the id becomes `Nats-Msg-Id`.
    sim.emitRaw(
      USER,
      { ...cbItem("follow", "x", USER), id: "crlf-1\r\nX-Evil: 1" },
      { withId: false },
    );
    sim.emitRaw(USER, cbItem("follow", "after-crlf", USER), { withId: false });
    await waitFor(async () => (await countStream(nc, "EVENTS", "events.chaturbate.>")) >= 2, {
      timeoutMs: 10_000,
      message: "the item after the CR/LF id published",
    });
    expect(await countStream(nc, "DEAD_LETTERS", "dlq.ingest.chaturbate")).toBe(1);
  }, 30_000);

  it("dead-letters an item whose envelope id would be longer than the 1,024 characters the envelope allows", async () => {
    const long = { ...cbItem("follow", "x", USER), id: `long-${"9".repeat(1_100)}` };
    sim.emitRaw(USER, long, { withId: false });
    sim.emitRaw(USER, cbItem("follow", "after-long", USER), { withId: false });
    await waitFor(async () => (await countStream(nc, "EVENTS", "events.chaturbate.>")) >= 2);
    await new Promise((r) => setTimeout(r, 300));
    const events = checkEvents(await storedEvents(nc, "chaturbate"), [
      expectedId("primer"),
      expectedId("after-long"),
    ]);
    expect(events.invalid).toEqual([]);
    expect(await countStream(nc, "DEAD_LETTERS", "dlq.ingest.chaturbate")).toBe(1);
  }, 30_000);

  it("never drops an item as a duplicate of another whose id differs only by surrounding whitespace", async () => {
    // nats.js trims header values, so `Nats-Msg-Id` "…:pad-1 " collides with "…:pad-1".
    sim.emitRaw(USER, cbItem("follow", "pad-1", USER), { withId: false });
    sim.emitRaw(USER, cbItem("unfollow", "pad-1 ", USER), { withId: false });
    sim.emitRaw(USER, cbItem("follow", "after-pad", USER), { withId: false });
    await waitFor(async () => (await countStream(nc, "EVENTS", "events.chaturbate.>")) >= 3);
    await new Promise((r) => setTimeout(r, 300));
    const stored = await storedEvents(nc, "chaturbate");
    const dlq = await countStream(nc, "DEAD_LETTERS", "dlq.ingest.chaturbate");
    // Either published under its own id or dead-lettered; never dropped as a "duplicate".
    expect(stored.length + dlq).toBe(4);
  }, 30_000);
});

function distinctBodies(random: Random, count: number): BodyCase[] {
  const seen = new Set<string>();
  const out: BodyCase[] = [];
  for (let n = 0; out.length < count; n++) {
    const b = cbBody(random, n);
    if (!seen.has(b.body)) out.push(b);
    seen.add(b.body);
  }
  return out;
}

/** Waits until the dead letters and events reach their expected counts (then a moment more). */
async function settled(wantDlq: number, wantEvents: number): Promise<void> {
  await waitFor(
    async () =>
      (await countStream(nc, "DEAD_LETTERS", "dlq.ingest.chaturbate")) >= wantDlq &&
      (await countStream(nc, "EVENTS", "events.chaturbate.>")) >= wantEvents,
    {
      timeoutMs: 60_000,
      intervalMs: 200,
      message: `${wantDlq} dead letters and ${wantEvents} events`,
    },
  ).catch(() => undefined); // the checks below say what is missing
  await new Promise((r) => setTimeout(r, 500));
}
