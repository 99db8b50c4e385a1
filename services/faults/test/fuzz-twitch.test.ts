import {
  ALL_SCOPES,
  SUBSCRIPTION_TYPES,
  startTwitchSimulator,
  type TwitchSimulator,
} from "@castbus/simulators/twitch";
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
import { Corpus, familyCounts, fill, inputBytes } from "./fuzz/corpus.js";
import {
  HEAP_CAP,
  RssSampler,
  checkDeadLetters,
  checkEvents,
  counterSum,
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
import { twitchCase, withMessageId, type TwitchMessage } from "./fuzz/twitch.js";
import { startService } from "./harness/processes.js";

const CLIENT_ID = "fz762nuuoqcoxypju8c569th9wz7q5";
const CLIENT_SECRET = "fz0s9vbw2y1xq8mz3n4p5r6t7u8v9w0";
const ACCESS_TOKEN = "fzstpf5q0uzmxmkba9iyug38kjtgh2";
const REFRESH_TOKEN = "fzqjw8g3rkc2m1n0p9o8i7u6y5t4r3e2w1q0a9s8d7f6g5h4j3";
const BROADCASTER = { id: "12826", login: "fuzz_streamer", displayName: "Fuzz_Streamer" };
const OTHER = { id: "141981764", login: "other_channel", displayName: "Other_Channel" };
/** Makes the gift and cheer templates name their giver (the anonymous form is a mutation). */
const NAMED = { is_anonymous: false, user_id: "777", user_login: "giver", user_name: "Giver" };

let server: NatsServerHandle;
let sim: TwitchSimulator;
let nc: NatsConnection;
let proc: ServiceProcess;
const templates = new Map<string, TwitchMessage>();
/** Inputs between two looks at the stream; at most two such rounds are in flight. */
const PACE = Number(process.env["CASTBUS_FUZZ_PACE"] ?? 50);

beforeAll(async () => {
  server = await startNatsServer();
  sim = await startTwitchSimulator({
    clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }],
    users: [BROADCASTER, { ...OTHER, moderators: [BROADCASTER.id] }],
    tokens: [
      {
        accessToken: ACCESS_TOKEN,
        refreshToken: REFRESH_TOKEN,
        userId: BROADCASTER.id,
        clientId: CLIENT_ID,
        scopes: ALL_SCOPES,
      },
    ],
    seed: 7,
  });
  nc = await connectTestNats(server.url);
  proc = startService("ingester-twitch", {
    ...HEAP_CAP,
    NATS_URL: server.url,
    TWITCH_EVENTSUB_URL: sim.eventsubUrl,
    TWITCH_API_URL: sim.apiUrl,
    TWITCH_AUTH_URL: sim.authUrl,
    TWITCH_CLIENT_ID: CLIENT_ID,
    TWITCH_ACCESS_TOKEN: ACCESS_TOKEN,
    TWITCH_REFRESH_TOKEN: REFRESH_TOKEN,
    TWITCH_CLIENT_SECRET: CLIENT_SECRET,
    TWITCH_BROADCASTER_ID: BROADCASTER.id,
    TWITCH_RECONNECT_BACKOFF_MS: "50",
    TWITCH_RECONNECT_MAX_DELAY_MS: "500",
  });
  const types = Object.keys(SUBSCRIPTION_TYPES);
  await waitFor(
    () => sim.subscriptions().filter((s) => s.status === "enabled").length === types.length,
    {
      timeoutMs: 20_000,
      message: "every subscription enabled",
    },
  );
  for (const type of types) {
    const overrides =
      type === "channel.subscription.gift" || type === "channel.cheer" ? NAMED : undefined;
    templates.set(type, sim.emit(type, overrides)[0]!.message as unknown as TwitchMessage);
  }
  await waitFor(async () => (await countStream(nc, "EVENTS", "events.twitch.>")) === types.length, {
    timeoutMs: 10_000,
    message: "the template notifications published",
  });
});

afterAll(async () => {
  await proc.stop("SIGKILL");
  await nc.close();
  await sim.close();
  await server.dispose();
});

describe("fuzz: ingester-twitch", () => {
  it("dead-letters every malformed frame with its raw text, publishes every good notification once, and stays up within its memory bound", async () => {
    const started = Date.now();
    const seed = fuzzSeed();
    const random = new Random(seed).fork(2);
    const corpus = new Corpus();
    fill(corpus, fuzzCases(2000), (i) => twitchCase(random, i, templates));
    const rss = new RssSampler(proc.pid);

    const goodIds: string[] = [];
    let settled = templates.size;
    for (const [i, c] of corpus.cases.entries()) {
      sim.emitRaw(c.payload as string);
      const good = withMessageId(random.pick([...templates.values()]), `ok-${i}`);
      sim.emitRaw(JSON.stringify(good));
      goodIds.push(`twitch:ok-${i}`);
      settled += c.verdict === "ignored" ? 1 : 2;
      if (i % PACE === PACE - 1) await keepUp(nc, "twitch", settled - 2 * PACE);
    }
    const wantDlq = corpus.with("dlq").length;
    const templateIds = [...templates.values()].map(
      (t) => `twitch:${String(t.metadata["message_id"])}`,
    );
    const wantEvents = [...templateIds, ...goodIds, ...corpus.with("event").map((c) => c.id!)];
    await waitFor(
      async () =>
        (await countStream(nc, "DEAD_LETTERS", "dlq.ingest.twitch")) >= wantDlq &&
        (await countStream(nc, "EVENTS", "events.twitch.>")) >= wantEvents.length,
      {
        timeoutMs: 60_000,
        intervalMs: 200,
        message: `${wantDlq} dead letters and ${wantEvents.length} events`,
      },
    ).catch(() => undefined); // the checks below say what is missing
    await new Promise((r) => setTimeout(r, 500));
    rss.stop();
    const crashed = await exited(proc);
    const base = telemetryBase(proc);
    await readyAndHealthy(base);
    const metrics = await (await fetch(`${base}/metrics`)).text();

    const dlq = checkDeadLetters(
      await deadLetters(nc, "twitch"),
      corpus.with("dlq").map((c) => c.payload as string),
      "twitch",
    );
    const events = checkEvents(await storedEvents(nc, "twitch"), wantEvents);
    recordFuzz({
      source: "twitch",
      malformed: corpus.cases.length,
      deadLettered: wantDlq - dlq.missing.length,
      tolerated: corpus.with("event").length,
      ignored: corpus.with("ignored").length,
      good: goodIds.length - events.missing.filter((id) => id.startsWith("twitch:ok-")).length,
      crashes: crashed ? 1 : 0,
      startRssMb: rss.startMb,
      peakRssMb: rss.peakMb,
      seconds: (Date.now() - started) / 1000,
      seed,
      inputMb: Math.round(inputBytes(corpus.cases) / 1e5) / 10,
      families: familyCounts(corpus.cases),
      note: `dead letters by reason: ${JSON.stringify(dlq.reasons)}`,
    });

    expect(crashed).toBe(false);
    expect(dlq).toMatchObject({ missing: [], unexpected: [], badHeaders: [] });
    expect(events).toEqual({ missing: [], duplicated: [], unexpected: [], invalid: [] });
    expect(counterSum(metrics, "castbus_events_rejected_total", 'source="twitch"')).toBe(wantDlq);
    // One session throughout: no malformed frame cost a reconnect (Twitch replays nothing).
    expect(sim.sessions()).toHaveLength(1);
    expect(rss.peakMb).toBeLessThan(rssBoundMb("twitch"));
  }, 120_000);
});

describe("fuzz: ingester-twitch, regressions found by fuzzing", () => {
  it("dead-letters a notification whose message_timestamp names no real instant instead of publishing it as the envelope time", async () => {
    const message = withMessageId(templates.get("channel.chat.message")!, "bad-time-1");
    message.metadata["message_timestamp"] = "2025-13-45T25:61:61Z";
    const before = await countStream(nc, "DEAD_LETTERS", "dlq.ingest.twitch");
    sim.emitRaw(JSON.stringify(message));
    sim.emitRaw(JSON.stringify(withMessageId(templates.get("channel.follow")!, "after-bad-time")));
    await waitFor(async () =>
      (await storedEvents(nc, "twitch")).some(
        (m) => m.json<{ id: string }>().id === "twitch:after-bad-time",
      ),
    );
    const published = (await storedEvents(nc, "twitch")).filter(
      (m) => m.json<{ id: string }>().id === "twitch:bad-time-1",
    );
    expect(checkEvents(published, ["twitch:bad-time-1"]).invalid).toEqual([]);
    expect(published).toHaveLength(0);
    expect(await countStream(nc, "DEAD_LETTERS", "dlq.ingest.twitch")).toBe(before + 1);
  }, 30_000);

  it("dead-letters a text frame that is not UTF-8 with its bytes, and keeps the session", async () => {
    // RFC 6455 says fail the connection; that would lose every notification sent while it is down.
    const text = JSON.stringify(withMessageId(templates.get("channel.chat.message")!, "utf8-bad"));
    const at = text.indexOf('"text":"') + 8;
    const bytes = Buffer.concat([
      Buffer.from(text.slice(0, at)),
      Buffer.from([0xff, 0xc3, 0x28]),
      Buffer.from(text.slice(at)),
    ]);
    sim.emitRaw(bytes);
    sim.emitRaw(JSON.stringify(withMessageId(templates.get("channel.follow")!, "after-utf8")));
    await waitFor(async () =>
      (await storedEvents(nc, "twitch")).some(
        (m) => m.json<{ id: string }>().id === "twitch:after-utf8",
      ),
    );
    const dead = await waitFor(async () => {
      const found = (await deadLetters(nc, "twitch")).filter((m) =>
        Buffer.from(m.data).equals(bytes),
      );
      return found.length > 0 && found;
    });
    expect(dead).toHaveLength(1);
    expect(
      (await storedEvents(nc, "twitch")).some(
        (m) => m.json<{ id: string }>().id === "twitch:utf8-bad",
      ),
    ).toBe(false);
  }, 30_000);

  it("dead-letters a notification whose message_id holds CR/LF instead of dropping it", async () => {
    const before = await countStream(nc, "DEAD_LETTERS", "dlq.ingest.twitch");
    sim.emitRaw(
      JSON.stringify(withMessageId(templates.get("channel.follow")!, "crlf-1\r\nX-Evil: 1")),
    );
    sim.emitRaw(JSON.stringify(withMessageId(templates.get("channel.follow")!, "after-crlf")));
    await waitFor(async () =>
      (await storedEvents(nc, "twitch")).some(
        (m) => m.json<{ id: string }>().id === "twitch:after-crlf",
      ),
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(await countStream(nc, "DEAD_LETTERS", "dlq.ingest.twitch")).toBe(before + 1);
  }, 30_000);
});
