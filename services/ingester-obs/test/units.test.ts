import { createLogger } from "@castbus/telemetry";
import { LineCapture } from "@castbus/testing";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ConnectionLog } from "../src/connection-log.js";
import { ObsClosedError, ObsConnectError } from "../src/errors.js";
import { reconcile } from "../src/reconcile.js";
import { ObsState } from "../src/state.js";

afterEach(() => {
  vi.useRealTimers();
});

describe("ConnectionLog", () => {
  it("logs an hour of failed attempts every 5 s as one line, a line per cause change and one a minute", () => {
    vi.useFakeTimers({ now: new Date("2026-11-23T20:00:00Z") });
    const lines = new LineCapture();
    const log = new ConnectionLog(
      createLogger({ service: "t", destination: lines }),
      "ws://obs:4455",
    );
    const refused = new ObsConnectError("connect ECONNREFUSED", "ECONNREFUSED");
    for (let i = 0; i < 720; i++) {
      log.failed(i === 360 ? "timeout" : "refused", refused, 5000, "warn");
      vi.advanceTimersByTime(5000);
    }
    log.connected({ obsWebSocketVersion: "5.7.3", rpcVersion: 1 }, 0);
    const messages = lines.json().map((l) => l["msg"]);
    expect(messages[0]).toBe("cannot connect to OBS; retrying (reminders once a minute)");
    expect(messages.filter((m) => m === "cannot connect to OBS; retrying")).toHaveLength(2); // → timeout, → refused
    expect(messages.filter((m) => m === "still waiting for OBS").length).toBeGreaterThanOrEqual(55);
    expect(messages.length).toBeLessThanOrEqual(63);
    expect(lines.json().at(-1)).toMatchObject({
      msg: "connected to OBS",
      failedAttempts: 720,
      downForS: 3600,
    });
  });

  it("treats refusals after an announced exit as expected", () => {
    const lines = new LineCapture();
    const log = new ConnectionLog(
      createLogger({ service: "t", destination: lines }),
      "ws://obs:4455",
    );
    log.exiting();
    log.lost("closed", new ObsClosedError(1001, "Server stopping."));
    for (let i = 0; i < 10; i++) log.failed("refused", new Error("refused"), 100, "warn");
    expect(lines.json().map((l) => [l["level"], l["msg"]])).toEqual([
      ["info", "OBS is exiting"],
      ["info", "OBS closed; reconnecting when it is back"],
    ]);
  });
});

describe("reconcile", () => {
  const options = (now: number, dedupeWindowMs = 120_000) => ({
    now: new Date(now),
    stamp: () => now,
    dedupeWindowMs,
  });
  const idle = { active: false, startMs: undefined };
  const now = Date.parse("2026-11-23T20:00:00Z");

  it("publishes nothing when the same stream session is still running after a reconnect", () => {
    const state = new ObsState();
    reconcile(
      state,
      { programScene: "A", stream: { active: true, startMs: now - 60_000 }, record: idle },
      options(now),
    );
    const missed = reconcile(
      state,
      { programScene: "A", stream: { active: true, startMs: now - 59_000 }, record: idle },
      options(now + 1000),
    );
    expect(missed).toEqual([]);
    expect(state.stream.startMs).toBe(now - 60_000); // the first reading stays the session's identity
  });

  it("publishes a stop and a start when the stream was restarted while disconnected", () => {
    const state = new ObsState();
    reconcile(
      state,
      { programScene: "A", stream: { active: true, startMs: now - 600_000 }, record: idle },
      options(now),
    );
    state.lostAt = new Date(now + 1000);
    const missed = reconcile(
      state,
      { programScene: "B", stream: { active: true, startMs: now + 5000 }, record: idle },
      options(now + 10_000),
    );
    expect(
      missed.map((r) => [
        r.eventType,
        r.eventData["outputState"] ?? r.eventData["sceneName"],
        r.context.time,
      ]),
    ).toEqual([
      ["CurrentProgramSceneChanged", "B", new Date(now + 10_000).toISOString()],
      ["StreamStateChanged", "OBS_WEBSOCKET_OUTPUT_STOPPED", new Date(now + 1000).toISOString()],
      ["StreamStateChanged", "OBS_WEBSOCKET_OUTPUT_STARTED", new Date(now + 5000).toISOString()],
    ]);
    expect(missed[1]!.context.startMs).toBe(now - 600_000);
    expect(missed[2]!.context.startMs).toBe(now + 5000);
  });

  it("at a process's first connect republishes only starts younger than the duplicate window", () => {
    const young = reconcile(
      new ObsState(),
      {
        programScene: "A",
        stream: { active: true, startMs: now - 30_000 },
        record: { active: true, startMs: now - 300_000 },
      },
      options(now),
    );
    expect(young.map((r) => r.eventType)).toEqual(["StreamStateChanged"]);
    expect(young[0]!.context).toMatchObject({ inferred: true, startMs: now - 30_000 });
  });
});
