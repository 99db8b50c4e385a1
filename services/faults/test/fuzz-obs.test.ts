import { startObsSimulator, type ObsSimulator } from "@castbus/simulators/obs";
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
import { STATELESS_TYPES, obsCase, obsEvent, obsFrame, obsMarker } from "./fuzz/obs.js";
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
import { startService } from "./harness/processes.js";

const PASSWORD = "Fz7pL2vN9sK4mR8t";
const PACE = Number(process.env["CASTBUS_FUZZ_PACE"] ?? 50);

let server: NatsServerHandle;
let sim: ObsSimulator;
let nc: NatsConnection;
let proc: ServiceProcess;
let base: string;

beforeAll(async () => {
  server = await startNatsServer();
  sim = await startObsSimulator({ password: PASSWORD, outputTransitionMs: 5 });
  nc = await connectTestNats(server.url);
  proc = startService("ingester-obs", {
    ...HEAP_CAP,
    NATS_URL: server.url,
    OBS_URL: sim.url,
    OBS_PASSWORD: PASSWORD,
    OBS_NAME: "fuzz",
    OBS_REQUEST_TIMEOUT_MS: "3000",
    OBS_RECONNECT_DELAY_MS: "50",
    OBS_RECONNECT_MAX_DELAY_MS: "200",
  });
  await proc.waitForLine((_l, json) => json?.["msg"] === "ingester started", 20_000);
  base = telemetryBase(proc);
  await readyAndHealthy(base); // identified and seeded: frames sent now reach an open session
});

afterAll(async () => {
  await proc.stop("SIGKILL");
  await nc.close();
  await sim.close();
  await server.dispose();
});

/** Published OBS events keyed by their fuzz marker (OBS events carry no upstream id). */
const byMarker = (e: { data: Record<string, unknown> }) => obsMarker(e.data);

describe("fuzz: ingester-obs", () => {
  it("dead-letters every malformed frame with its raw text, publishes every good event once, and stays up within its memory bound", async () => {
    const started = Date.now();
    const seed = fuzzSeed();
    const random = new Random(seed).fork(3);
    const corpus = new Corpus();
    fill(corpus, fuzzCases(2000), (i) => obsCase(random, i));
    const rss = new RssSampler(proc.pid);
    const already = await countStream(nc, "EVENTS", "events.obs.>");

    const good: string[] = [];
    let settled = already;
    for (const [i, c] of corpus.cases.entries()) {
      sim.sendRaw(c.payload as string);
      // A scene change always follows a scene-change case, so no case repeats the program scene.
      const type = (c.payload as string).includes("CurrentProgramSceneChanged")
        ? "CurrentProgramSceneChanged"
        : random.pick(
            STATELESS_TYPES.filter(
              (t) => t !== "StudioModeStateChanged" && t !== "VirtualcamStateChanged",
            ),
          );
      sim.sendRaw(JSON.stringify(obsEvent(type, `ok-${i}`)));
      good.push(obsMarker(obsEvent(type, `ok-${i}`).d["eventData"] as Record<string, unknown>));
      settled += c.verdict === "ignored" ? 1 : 2;
      if (i % PACE === PACE - 1) await keepUp(nc, "obs", settled - 2 * PACE);
    }
    const wantDlq = corpus.with("dlq").length;
    const wantEvents = already + good.length + corpus.with("event").length;
    await waitFor(
      async () =>
        (await countStream(nc, "DEAD_LETTERS", "dlq.ingest.obs")) >= wantDlq &&
        (await countStream(nc, "EVENTS", "events.obs.>")) >= wantEvents,
      {
        timeoutMs: 60_000,
        intervalMs: 200,
        message: `${wantDlq} dead letters and ${wantEvents} events`,
      },
    ).catch(() => undefined); // the checks below say what is missing
    await new Promise((r) => setTimeout(r, 500));
    rss.stop();
    const crashed = await exited(proc);
    await readyAndHealthy(base);
    const metrics = await (await fetch(`${base}/metrics`)).text();

    const dlq = checkDeadLetters(
      await deadLetters(nc, "obs"),
      corpus.with("dlq").map((c) => c.payload as string),
      "obs",
    );
    const stored = (await storedEvents(nc, "obs")).slice(already);
    const events = checkEvents(
      stored,
      [...good, ...corpus.with("event").map((c) => c.id ?? "(unnamed)")],
      byMarker,
    );
    recordFuzz({
      source: "obs",
      malformed: corpus.cases.length,
      deadLettered: wantDlq - dlq.missing.length,
      tolerated: corpus.with("event").length,
      ignored: corpus.with("ignored").length,
      good: good.length - events.missing.filter((m) => m.includes("ok-")).length,
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
    expect(counterSum(metrics, "castbus_events_rejected_total", 'source="obs"')).toBe(wantDlq);
    // One session throughout: no malformed frame cost a reconnect.
    expect(sim.connections).toHaveLength(1);
    expect(rss.peakMb).toBeLessThan(rssBoundMb("obs"));
  }, 120_000);
});

describe("fuzz: ingester-obs, regressions found by fuzzing", () => {
  const dlqCount = () => countStream(nc, "DEAD_LETTERS", "dlq.ingest.obs");
  const afterMarker = async (marker: string) => {
    sim.sendRaw(JSON.stringify(obsEvent("InputMuteStateChanged", marker)));
    await waitFor(
      async () => (await storedEvents(nc, "obs")).some((m) => byMarker(m.json()) === marker),
      { message: marker },
    );
  };

  it("dead-letters a text frame that is not UTF-8 with its bytes, and keeps the session", async () => {
    // RFC 6455 says fail the connection; that would lose every event sent while it is down.
    const text = JSON.stringify(obsEvent("InputMuteStateChanged", "utf8-bad"));
    const at = text.indexOf("utf8-bad");
    const bytes = Buffer.concat([
      Buffer.from(text.slice(0, at)),
      Buffer.from([0xff, 0xc3, 0x28]),
      Buffer.from(text.slice(at)),
    ]);
    sim.sendRaw(bytes);
    await afterMarker("after-utf8");
    const dead = await waitFor(async () => {
      const found = (await deadLetters(nc, "obs")).filter((m) => Buffer.from(m.data).equals(bytes));
      return found.length > 0 && found;
    });
    expect(dead).toHaveLength(1);
  }, 30_000);

  it("dead-letters a malformed StreamStateChanged STOPPED that arrives while no stream runs", async () => {
    const before = await dlqCount();
    sim.sendRaw(
      JSON.stringify(
        obsFrame(
          "StreamStateChanged",
          { outputActive: "no", outputState: "OBS_WEBSOCKET_OUTPUT_STOPPED" },
          64,
        ),
      ),
    );
    await afterMarker("after-bad-stop");
    expect(await dlqCount()).toBe(before + 1);
  }, 30_000);

  it("dead-letters a malformed scene change that names the current program scene", async () => {
    sim.sendRaw(JSON.stringify(obsEvent("CurrentProgramSceneChanged", "current-1")));
    await waitFor(async () =>
      (await storedEvents(nc, "obs")).some((m) => byMarker(m.json()) === "current-1"),
    );
    const before = await dlqCount();
    sim.sendRaw(
      JSON.stringify(
        obsFrame("CurrentProgramSceneChanged", { sceneName: "current-1", sceneUuid: 5 }),
      ),
    );
    await afterMarker("after-bad-repeat");
    expect(await dlqCount()).toBe(before + 1);
  }, 30_000);

  it("does not let a malformed scene change become the previousScene of the next one", async () => {
    sim.sendRaw(JSON.stringify(obsEvent("CurrentProgramSceneChanged", "real-1")));
    sim.sendRaw(
      JSON.stringify(obsFrame("CurrentProgramSceneChanged", { sceneName: "ghost", sceneUuid: 5 })),
    );
    sim.sendRaw(JSON.stringify(obsEvent("CurrentProgramSceneChanged", "real-2")));
    const real2 = await waitFor(async () =>
      (await storedEvents(nc, "obs")).find((m) => byMarker(m.json()) === "real-2"),
    );
    expect(real2.json<{ data: { previousScene: unknown } }>().data.previousScene).toBe("real-1");
  }, 30_000);

  it("publishes a real stream start that follows a malformed StreamStateChanged STARTED", async () => {
    const before = await dlqCount();
    sim.sendRaw(
      JSON.stringify(
        obsFrame(
          "StreamStateChanged",
          { outputActive: "yes", outputState: "OBS_WEBSOCKET_OUTPUT_STARTED" },
          64,
        ),
      ),
    );
    await waitFor(async () => (await dlqCount()) === before + 1, {
      message: "the malformed start dead-lettered",
    });
    await sim.startStream();
    await afterMarker("after-real-start");
    const starts = (await storedEvents(nc, "obs")).filter(
      (m) => m.subject === "events.obs.stream_started",
    );
    expect(starts).toHaveLength(1);
    await sim.stopStream();
  }, 30_000);
});
