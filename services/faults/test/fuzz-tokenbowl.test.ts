import { startTokenBowlSimulator, type TokenBowlSimulator } from "@castbus/simulators/tokenbowl";
import {
  connectTestNats,
  countStream,
  startNatsServer,
  waitFor,
  type NatsServerHandle,
  type ServiceProcess,
} from "@castbus/testing";
import type { NatsConnection } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Corpus, familyCounts, inputBytes, type FuzzCase } from "./fuzz/corpus.js";
import {
  HEAP_CAP,
  RssSampler,
  checkDeadLetters,
  checkEvents,
  deadLetters,
  exited,
  keepUp,
  readyAndHealthy,
  rssBoundMb,
  recordFuzz,
  storedEvents,
  telemetryBase,
} from "./fuzz/observe.js";
import { Random, fuzzCases, fuzzSeed } from "./fuzz/random.js";
import { AUTHOR, READER, tbCase, tbMessage, tbPage, type PageCase } from "./fuzz/tokenbowl.js";
import { deepText } from "./fuzz/values.js";
import { startService } from "./harness/processes.js";

const NAME = "fuzz";
const API_KEY = "f".repeat(32) + "0123456789abcdef0123456789abcdef";
/** Cases per round: with their good messages, fewer than the 100 the server keeps. */
const ROUND = 35;

let server: NatsServerHandle;
let sim: TokenBowlSimulator;
let nc: NatsConnection;
let proc: ServiceProcess;
let base: string;
let lastTimestamp: string;
let primerId: string;

beforeAll(async () => {
  server = await startNatsServer();
  sim = await startTokenBowlSimulator({
    accounts: [{ username: READER, apiKey: API_KEY }],
    seed: 5,
  });
  sim.register(AUTHOR);
  nc = await connectTestNats(server.url);
  proc = startService("ingester-tokenbowl", {
    ...HEAP_CAP,
    NATS_URL: server.url,
    TOKENBOWL_URL: sim.url,
    TOKENBOWL_API_KEY: API_KEY,
    TOKENBOWL_NAME: NAME,
    TOKENBOWL_POLL_INTERVAL_MS: "50",
    TOKENBOWL_RETRY_BACKOFF_MS: "10",
    TOKENBOWL_RETRY_MAX_DELAY_MS: "50",
  });
  const primer = sim.post(AUTHOR, "primer");
  lastTimestamp = primer.timestamp;
  primerId = `tokenbowl:${NAME}:${primer.id}`;
  await waitFor(async () => (await countStream(nc, "EVENTS", "events.tokenbowl.>")) === 1, {
    timeoutMs: 20_000,
    message: "the primer",
  });
  base = telemetryBase(proc);
});

afterAll(async () => {
  await proc.stop("SIGKILL");
  await nc.close();
  await sim.close();
  await server.dispose();
});

const eventId = (id: string) => `tokenbowl:${NAME}:${id}`;

describe("fuzz: ingester-tokenbowl", () => {
  it("dead-letters every malformed message and page with its raw bytes, publishes every good message once, and stays up within its memory bound", async () => {
    const started = Date.now();
    const seed = fuzzSeed();
    const random = new Random(seed).fork(4);
    const total = fuzzCases(2000);
    const corpus = new Corpus();
    const pages: PageCase[] = [];
    const good: string[] = [];
    const rss = new RssSampler(proc.pid);
    let settled = 1;
    while (corpus.cases.length + pageInputs(pages) < total) {
      const round = await feedRound(random, corpus, pages, good);
      settled += round;
      await keepUp(nc, "tokenbowl", settled);
    }
    await waitFor(
      () => sim.requests.filter((r) => r.fault === "malformed").length >= pages.length,
      { message: "every page fault served" },
    );
    const wantDlq = [
      ...corpus.with("dlq").map((c) => JSON.stringify(c.payload)),
      ...pages.flatMap((p) => p.deadLetters),
    ];
    const wantEvents = [primerId, ...good, ...corpus.with("event").map((c) => c.id!)];
    await keepUp(nc, "tokenbowl", wantDlq.length + wantEvents.length).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 300));
    rss.stop();
    const crashed = await exited(proc);
    await readyAndHealthy(base);

    const dlq = checkDeadLetters(await deadLetters(nc, "tokenbowl"), wantDlq, "tokenbowl");
    const events = checkEvents(await storedEvents(nc, "tokenbowl"), wantEvents);
    recordFuzz({
      source: "tokenbowl",
      malformed: corpus.cases.length + pageInputs(pages),
      deadLettered: wantDlq.length - dlq.missing.length,
      tolerated: corpus.with("event").length,
      ignored: 0,
      good: good.length - events.missing.filter((id) => good.includes(id)).length,
      crashes: crashed ? 1 : 0,
      startRssMb: rss.startMb,
      peakRssMb: rss.peakMb,
      seconds: (Date.now() - started) / 1000,
      seed,
      inputMb: Math.round(inputBytes(corpus.cases) / 1e5) / 10,
      families: {
        ...familyCounts(corpus.cases),
        ...familyCounts(
          pages.map((p) => ({ family: p.family, verdict: "dlq", payload: p.body }) as FuzzCase),
        ),
      },
      note: `dead letters by reason: ${JSON.stringify(dlq.reasons)}`,
    });

    expect(crashed).toBe(false);
    expect(dlq).toMatchObject({ missing: [], unexpected: [], badHeaders: [] });
    expect(events).toEqual({ missing: [], duplicated: [], unexpected: [], invalid: [] });
    expect(rss.peakMb).toBeLessThan(rssBoundMb("tokenbowl"));
  }, 120_000);
});

/** Inputs a list of page faults holds (a page of garbage items counts each item). */
function pageInputs(pages: readonly PageCase[]): number {
  return pages.reduce((n, p) => n + p.deadLetters.length, 0);
}

/**
 * Posts one round: each case (as a raw message) followed by a good message (room or DM), with a
 * page fault queued now and then. Returns how many dead letters and events the round must give.
 */
async function feedRound(
  random: Random,
  corpus: Corpus,
  pages: PageCase[],
  good: string[],
): Promise<number> {
  let results = 0;
  for (let k = 0; k < ROUND; k++) {
    const c = drawCase(random, corpus);
    sim.postRaw(c.payload as Record<string, unknown>);
    const direct = random.chance(0.25);
    const posted = direct
      ? sim.post(AUTHOR, `dm ${corpus.cases.length}`, { to: READER })
      : sim.post(AUTHOR, `good ${corpus.cases.length}`);
    lastTimestamp = posted.timestamp;
    good.push(eventId(posted.id));
    results += 2;
    if (random.chance(0.12)) {
      const page = tbPage(random, pages.length);
      pages.push(page);
      results += page.deadLetters.length;
      // Garbage items go on the DM page, read last: a poll whose other page fails is retried
      // whole, and a one-off page would then be gone (the retry rightly reads the real one).
      const path =
        page.family === "page:garbageItems"
          ? "/messages/direct"
          : random.pick(["/messages", "/messages/direct"]);
      sim.inject({ kind: "malformed", body: page.body }, { path });
    }
  }
  await new Promise((r) => setImmediate(r));
  return results;
}

function drawCase(random: Random, corpus: Corpus): FuzzCase {
  for (;;) {
    const c = tbCase(random, corpus.cases.length, lastTimestamp, NAME);
    if (c !== undefined && corpus.add(c)) return c;
  }
}

describe("fuzz: ingester-tokenbowl, regressions found by fuzzing", () => {
  it("dead-letters a message nested 10,000 levels deep and keeps publishing the messages after it", async () => {
    // The simulator's postRaw cannot carry this nesting (its JSON.stringify overflows), so the
    // page is served as a body, on every poll, as the server would keep serving it. The first
    // message is valid (the unknown member is kept out of the event), the second is not (no
    // sender): it must be dead-lettered.
    const nested = deepText(10_000);
    const valid = `{"id":"deep-ok","from_username":"${AUTHOR}","content":"x","timestamp":"${lastTimestamp}","x":${nested}}`;
    const invalid = `{"id":"deep-bad","content":"x","timestamp":"${lastTimestamp}","x":${nested}}`;
    const after = JSON.stringify(tbMessage("after-deep", lastTimestamp, null));
    const body = `{"messages":[${after},${invalid},${valid}],"pagination":{"total":3,"offset":0,"limit":100,"has_more":false}}`;
    sim.inject({ kind: "malformed", body }, { path: "/messages", times: 1000 });
    try {
      const published = (id: string) => async () =>
        (await storedEvents(nc, "tokenbowl")).some(
          (m) => m.json<{ id: string }>().id === eventId(id),
        );
      await waitFor(published("after-deep"), {
        timeoutMs: 15_000,
        message: "the messages around the deeply nested invalid one published",
      });
      expect(await published("deep-ok")()).toBe(true);
      expect(
        (await deadLetters(nc, "tokenbowl")).filter((m) => m.text.includes('"deep-bad"')),
      ).toHaveLength(1);
    } finally {
      sim.clearFaults();
    }
  }, 30_000);

  it("dead-letters a message holding bytes that are not UTF-8 with those bytes, and publishes the others", async () => {
    // Decoded leniently they would become U+FFFD: text the server never sent.
    const bad = Buffer.concat([
      Buffer.from(`{"id":"utf8-bad","from_username":"${AUTHOR}","content":"a`),
      Buffer.from([0xff, 0xc3, 0x28]),
      Buffer.from(`","timestamp":"${lastTimestamp}"}`),
    ]);
    const good = JSON.stringify(tbMessage("utf8-ok", lastTimestamp, null));
    const body = Buffer.concat([
      Buffer.from(`{"messages":[${good},`),
      bad,
      Buffer.from(`],"pagination":{"total":2,"offset":0,"limit":100,"has_more":false}}`),
    ]);
    sim.inject({ kind: "malformed", body }, { path: "/messages", times: 1000 });
    try {
      await waitFor(
        async () =>
          (await storedEvents(nc, "tokenbowl")).some(
            (m) => m.json<{ id: string }>().id === eventId("utf8-ok"),
          ),
        { timeoutMs: 15_000, message: "the valid message beside it published" },
      );
      const dead = await waitFor(async () => {
        const found = (await deadLetters(nc, "tokenbowl")).filter(
          (m) => m.headers["Castbus-Reason"] === "invalid_utf8",
        );
        return found.length > 0 && found;
      });
      expect(dead).toHaveLength(1);
      expect(Buffer.from(dead[0]!.data)).toEqual(bad);
      expect(
        (await storedEvents(nc, "tokenbowl")).some(
          (m) => m.json<{ id: string }>().id === eventId("utf8-bad"),
        ),
      ).toBe(false);
    } finally {
      sim.clearFaults();
    }
  }, 30_000);

  it("dead-letters a message whose id holds CR/LF and keeps publishing the messages after it", async () => {
    const before = await countStream(nc, "DEAD_LETTERS", "dlq.ingest.tokenbowl");
    sim.postRaw(tbMessage("crlf-1\r\nX-Evil: 1", lastTimestamp, null));
    const after = sim.post(AUTHOR, "after crlf");
    lastTimestamp = after.timestamp;
    await waitFor(
      async () =>
        (await storedEvents(nc, "tokenbowl")).some(
          (m) => m.json<{ id: string }>().id === eventId(after.id),
        ),
      { timeoutMs: 10_000, message: "the message after the CR/LF id published" },
    );
    expect(await countStream(nc, "DEAD_LETTERS", "dlq.ingest.tokenbowl")).toBe(before + 1);
  }, 30_000);
});
