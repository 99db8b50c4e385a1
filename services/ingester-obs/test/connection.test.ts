import { waitFor } from "@castbus/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  dataOf,
  getLocal,
  settle,
  startStack,
  upstreamCheck,
  waitForReady,
  type Stack,
} from "./harness.js";

let stack: Stack;
beforeEach(async () => {
  stack = await startStack();
});
afterEach(async () => {
  await stack.stop();
});

const metric = async (port: number, outcome: string): Promise<number> => {
  const text = (await getLocal(port, "/metrics")).text;
  const match = new RegExp(
    `castbus_upstream_requests_total\\{source="obs",outcome="${outcome}"\\} (\\d+)`,
  ).exec(text);
  return match === null ? 0 : Number(match[1]);
};

describe("ingester-obs: OBS comes and goes", () => {
  it("stops on a wrong password with a clear error, after one connection (no retry storm)", async () => {
    const ingester = await stack.ingester({ OBS_PASSWORD: "WrongPassword123" });
    const check = await waitFor(async () => {
      const c = await upstreamCheck(ingester);
      return c.reason?.startsWith("auth:") === true && c;
    });
    expect(check.reason).toMatch(
      /OBS refused the password \(close 4009 "Authentication failed\."\): set OBS_PASSWORD/,
    );
    await settle(600); // a retry loop would have made several attempts by now (50–200 ms backoff)
    expect(stack.sim.connections).toHaveLength(1);
    expect(stack.sim.connections[0]).toMatchObject({ identified: false, closeCode: 4009 });
    expect(
      stack.logs.find(
        "upstream refused us; this source is stopped until its configuration is fixed",
      ),
    ).toHaveLength(1);
    expect(await metric(ingester.port, "auth")).toBe(1);
    expect((await getLocal(ingester.port, "/readyz")).status).toBe(503);
  });

  it("stops before identifying when OBS wants a password and OBS_PASSWORD is not set", async () => {
    const ingester = await stack.ingester({ OBS_PASSWORD: "" });
    await waitFor(async () =>
      /OBS_PASSWORD is not set/.test((await upstreamCheck(ingester)).reason ?? ""),
    );
    await settle(300);
    expect(stack.sim.connections).toHaveLength(1);
    expect(stack.sim.connections[0]).toMatchObject({ identified: false, closeCode: 1000 });
  });

  it("waits quietly while OBS is closed, not ready, and connects when OBS appears", async () => {
    await stack.sim.stop();
    const ingester = await stack.ingester();
    await waitFor(async () => (await metric(ingester.port, "refused")) >= 5, {
      message: "5 refused attempts",
    });
    expect(await upstreamCheck(ingester)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^refused: /),
    });
    expect((await getLocal(ingester.port, "/readyz")).status).toBe(503);
    expect((await getLocal(ingester.port, "/healthz")).status).toBe(200);
    // One line when the outage starts; reminders come once a minute, not per attempt.
    const obsLines = stack.logs
      .json()
      .filter((l) => l["source"] === "obs" && l["level"] !== "debug");
    expect(obsLines.map((l) => l["msg"])).toEqual([
      "cannot connect to OBS; retrying (reminders once a minute)",
    ]);
    await stack.sim.start();
    await waitForReady(ingester);
    const connected = stack.logs.find("connected to OBS");
    expect(connected).toHaveLength(1);
    expect(connected[0]).toMatchObject({
      obsWebSocketVersion: "5.7.3",
      failedAttempts: expect.any(Number),
    });
    stack.sim.setScene("BRB");
    expect(dataOf((await stack.waitForType("obs.scene_changed"))[0]!)).toMatchObject({
      sceneName: "BRB",
      previousScene: "Starting Soon",
    });
  });

  it("survives OBS restarting mid-stream: the missed stop is published, previousScene follows the restarted OBS", async () => {
    const ingester = await stack.connected();
    stack.sim.setScene("Gameplay");
    await stack.sim.startStream();
    const [started] = await stack.waitForType("obs.stream_started");
    await stack.sim.stop(); // ExitStarted, 1001; the stream ends with OBS
    await waitFor(async () => !(await upstreamCheck(ingester)).ok);
    stack.sim.setScene("BRB"); // OBS comes back on another scene
    await stack.sim.start();
    await waitForReady(ingester);
    const [stopped] = await stack.waitForType("obs.stream_stopped");
    expect(dataOf(stopped!)).toMatchObject({
      inferred: true,
      startedAt: dataOf(started!)["startedAt"],
    });
    expect(stopped!.json<{ id: string }>().id).toBe(
      started!.json<{ id: string }>().id.replace("started", "stopped"),
    );
    stack.sim.setScene("Just Chatting");
    const changes = (await stack.waitForType("obs.scene_changed", 3)).map(dataOf);
    expect(changes.map((d) => [d["sceneName"], d["previousScene"], d["inferred"]])).toEqual([
      ["Gameplay", "Starting Soon", false],
      ["BRB", "Gameplay", true],
      ["Just Chatting", "BRB", false],
    ]);
    // The exit was announced, so it is logged as expected, not as a failure.
    expect(stack.logs.find("OBS is exiting")).toHaveLength(1);
    expect(stack.logs.find("OBS closed; reconnecting when it is back")).toHaveLength(1);
    expect(stack.logs.find("lost the connection to OBS; reconnecting")).toHaveLength(0);
  });

  it("publishes the recording a crash ended, with its file, and resumes", async () => {
    const ingester = await stack.connected();
    await stack.sim.startRecording();
    const [started] = await stack.waitForType("obs.recording_started");
    await stack.sim.crash(); // 1006, no ExitStarted
    await waitFor(async () => !(await upstreamCheck(ingester)).ok);
    expect(stack.logs.find("lost the connection to OBS; reconnecting")[0]).toMatchObject({
      outcome: "dropped",
    });
    await stack.sim.start();
    const [stopped] = await stack.waitForType("obs.recording_stopped");
    expect(dataOf(stopped!)).toMatchObject({
      inferred: true,
      outputPath: dataOf(started!)["outputPath"],
    });
    stack.sim.setInputMute("Mic/Aux", true);
    await stack.waitForType("obs.input_mute_changed");
  });

  it("respects a kick (4011): stops, says so, and does not reconnect", async () => {
    const ingester = await stack.connected();
    stack.sim.kickAll();
    await waitFor(async () => /^kicked: /.test((await upstreamCheck(ingester)).reason ?? ""));
    await settle(500);
    expect(stack.sim.connections).toHaveLength(1);
    expect((await upstreamCheck(ingester)).reason).toMatch(/restart the ingester to connect again/);
  });

  it("ends a session whose Hello or request never comes, and connects again", async () => {
    stack.sim.inject({ kind: "silent-hello" });
    stack.sim.inject({ kind: "hang-requests", requestTypes: ["GetCurrentProgramScene"] });
    const ingester = await stack.ingester({ OBS_REQUEST_TIMEOUT_MS: "200" });
    await waitForReady(ingester);
    expect(stack.sim.connections.length).toBeGreaterThanOrEqual(3);
    expect(await metric(ingester.port, "timeout")).toBe(2);
    expect(await metric(ingester.port, "ok")).toBe(1);
  });

  it("notices a link that went silent (no pongs) and reconnects", async () => {
    const ingester = await stack.connected({ OBS_PING_INTERVAL_MS: "100" });
    stack.sim.freeze();
    await waitFor(async () => (await upstreamCheck(ingester)).reason?.includes("ping") === true);
    await waitForReady(ingester);
    expect(stack.sim.connections).toHaveLength(2);
    stack.sim.setScene("BRB");
    await stack.waitForType("obs.scene_changed");
  });

  it("waits while OBS is starting (207 not ready) and connects once it is ready", async () => {
    await stack.sim.stop();
    const ingester = await stack.ingester();
    await stack.sim.start({ notReadyMs: 400 });
    await waitForReady(ingester);
    expect(await metric(ingester.port, "not_ready")).toBeGreaterThanOrEqual(1);
  });
});
