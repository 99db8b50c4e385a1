import { DEAD_LETTERS_STREAM, validateEvent } from "@castbus/events";
import { readStream, waitFor } from "@castbus/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { NAME, dataOf, getLocal, settle, startStack, type Stack } from "./harness.js";

let stack: Stack;
beforeEach(async () => {
  stack = await startStack();
});
afterEach(async () => {
  await stack.stop();
});

/** Drives the simulator through one occurrence of every OBS event castbus publishes. */
async function everyEventType(stack: Stack): Promise<void> {
  const { sim } = stack;
  sim.setScene("Gameplay");
  sim.setSceneItemEnabled("Gameplay", "Chat", true);
  sim.setSceneItemEnabled("Webcam Frame", "Webcam Border", false); // an item inside a group
  sim.setInputMute("Mic/Aux", true);
  sim.setStudioMode(true);
  sim.createScene("Outro");
  await sim.startStream();
  await sim.reconnectStream();
  await sim.startRecording();
  sim.pauseRecording();
  sim.resumeRecording();
  await sim.stopRecording();
  await sim.startReplayBuffer();
  sim.saveReplayBuffer();
  await sim.startVirtualCam();
  await sim.stopVirtualCam();
  await sim.stopStream();
  await sim.startStream({ fail: true });
}

/** What {@link everyEventType} publishes, in order: all 17 types (the group item adds a second visibility). */
const ALL_TYPES = [
  "obs.scene_changed",
  "obs.source_visibility",
  "obs.source_visibility",
  "obs.input_mute_changed",
  "obs.studio_mode_changed",
  "obs.scene_list_changed",
  "obs.stream_started",
  "obs.stream_reconnecting",
  "obs.stream_reconnected",
  "obs.recording_started",
  "obs.recording_paused",
  "obs.recording_resumed",
  "obs.recording_stopped",
  "obs.replay_buffer_saved",
  "obs.virtualcam_started",
  "obs.virtualcam_stopped",
  "obs.stream_stopped",
  "obs.stream_start_failed",
];

describe("ingester-obs", () => {
  it("publishes every OBS event type as a valid envelope on its subject, in order", async () => {
    await stack.connected();
    await everyEventType(stack);
    const stored = await waitFor(async () => {
      const messages = await stack.events();
      return messages.length >= ALL_TYPES.length && messages;
    });
    await settle();
    expect((await stack.events()).map((m) => m.subject)).toEqual(
      ALL_TYPES.map((t) => `events.${t}`),
    );
    for (const message of stored) {
      const validation = validateEvent(message.json());
      expect(validation.ok, JSON.stringify(validation)).toBe(true);
      const envelope = message.json<Record<string, unknown>>();
      expect(envelope).toMatchObject({
        specversion: "1.0",
        source: `obs/${NAME}`,
        type: message.subject.slice("events.".length),
        datacontenttype: "application/json",
      });
      expect(envelope["id"]).toMatch(
        new RegExp(`^obs:${NAME}:${envelope["type"]}:(since-\\d{10}|at-\\d{13})$`),
      );
      expect(message.headers["Nats-Msg-Id"]).toBe(envelope["id"]);
    }
  });

  it("resolves what OBS leaves out: previous scene, source names (also inside groups), paths and start times", async () => {
    await stack.connected();
    await everyEventType(stack);
    await waitFor(async () => (await stack.events()).length >= ALL_TYPES.length);
    const byType = new Map((await stack.events()).map((m) => [m.subject.slice(7), m]));
    const data = (type: string) => dataOf(byType.get(type)!);
    expect(data("obs.scene_changed")).toEqual({
      sceneName: "Gameplay",
      sceneUuid: expect.any(String),
      previousScene: "Starting Soon",
      inferred: false,
    });
    const visibility = (await stack.waitForType("obs.source_visibility", 2)).map(dataOf);
    expect(visibility).toEqual([
      {
        sceneName: "Gameplay",
        sceneUuid: expect.any(String),
        sceneItemId: 4,
        sourceName: "Chat",
        visible: true,
      },
      {
        sceneName: "Webcam Frame",
        sceneUuid: expect.any(String),
        sceneItemId: 2,
        sourceName: "Webcam Border",
        visible: false,
      },
    ]);
    expect(data("obs.input_mute_changed")).toEqual({
      inputName: "Mic/Aux",
      inputUuid: expect.any(String),
      muted: true,
    });
    expect(data("obs.studio_mode_changed")).toEqual({ enabled: true });
    expect(
      (data("obs.scene_list_changed")["scenes"] as { sceneName: string }[]).map((s) => s.sceneName),
    ).toEqual(["Starting Soon", "Gameplay", "Just Chatting", "BRB", "Outro"]);
    const started = data("obs.stream_started");
    expect(started).toEqual({
      outputState: "OBS_WEBSOCKET_OUTPUT_STARTED",
      outputActive: true,
      startedAt: expect.any(String),
      inferred: false,
    });
    expect(
      Math.abs(
        Date.parse(started["startedAt"] as string) -
          Date.parse(byType.get("obs.stream_started")!.json<{ time: string }>().time),
      ),
    ).toBeLessThan(1000);
    expect(data("obs.stream_stopped")).toMatchObject({
      startedAt: started["startedAt"],
      inferred: false,
    });
    expect(data("obs.stream_reconnecting")).toMatchObject({ startedAt: started["startedAt"] });
    const recording = data("obs.recording_started");
    expect(recording["outputPath"]).toMatch(/^\/home\/streamer\/Videos\/.+\.mkv$/);
    for (const type of ["obs.recording_paused", "obs.recording_resumed", "obs.recording_stopped"])
      expect(data(type)["outputPath"]).toBe(recording["outputPath"]);
    expect(data("obs.replay_buffer_saved")["savedReplayPath"]).toMatch(/Replay .+\.mkv$/);
    expect(data("obs.stream_start_failed")).toEqual({
      outputState: "OBS_WEBSOCKET_OUTPUT_STOPPED",
      outputActive: false,
    });
    // A stream session's start and stop share the session key.
    const ids = (type: string) => byType.get(type)!.json<{ id: string }>().id.split(":").at(-1);
    expect(ids("obs.stream_stopped")).toBe(ids("obs.stream_started"));
    expect(ids("obs.recording_stopped")).toBe(ids("obs.recording_started"));
  });

  it("publishes nothing for STARTING/STOPPING, a repeated program scene or unmapped events", async () => {
    await stack.connected();
    stack.sim.setDuplicateSceneEventOnStudioToggle(true);
    stack.sim.setStudioMode(true); // repeats CurrentProgramSceneChanged for the current scene
    stack.sim.emitEvent("InputVolumeChanged", 8, {
      inputName: "Mic/Aux",
      inputVolumeMul: 0.5,
      inputVolumeDb: -6,
    });
    stack.sim.setScene("BRB");
    await stack.waitForType("obs.scene_changed");
    await settle();
    expect((await stack.events()).map((m) => m.subject)).toEqual([
      "events.obs.studio_mode_changed",
      "events.obs.scene_changed",
    ]);
    expect(dataOf((await stack.waitForType("obs.scene_changed"))[0]!)).toMatchObject({
      sceneName: "BRB",
      previousScene: "Starting Soon",
    });
  });

  it("keeps previousScene right across scene renames and resolves names after items change", async () => {
    await stack.connected();
    stack.sim.setScene("Gameplay");
    stack.sim.setSceneItemEnabled("Gameplay", "Chat", true); // caches Gameplay's items
    stack.sim.renameScene("Gameplay", "Game Time");
    const added = stack.sim.addSceneItem("Game Time", "Sponsor Logo");
    stack.sim.setSceneItemEnabled("Game Time", added, false);
    stack.sim.setScene("BRB");
    const changes = (await stack.waitForType("obs.scene_changed", 2)).map(dataOf);
    expect(changes[1]).toMatchObject({ sceneName: "BRB", previousScene: "Game Time" });
    const visibility = (await stack.waitForType("obs.source_visibility", 2)).map(dataOf);
    expect(visibility[1]).toMatchObject({
      sceneName: "Game Time",
      sceneItemId: added,
      sourceName: "Sponsor Logo",
    });
  });

  it("dead-letters a malformed event and a non-JSON frame with their raw bytes and keeps going", async () => {
    const ingester = await stack.connected();
    stack.sim.emitEvent("CurrentProgramSceneChanged", 4, { sceneUuid: "no-name" });
    stack.sim.sendRaw("{this is not json");
    stack.sim.setScene("BRB");
    await stack.waitForType("obs.scene_changed");
    const dead = await waitFor(async () => {
      const messages = await readStream(stack.nc, DEAD_LETTERS_STREAM, "dlq.ingest.obs");
      return messages.length >= 2 && messages;
    });
    const byReason = Object.fromEntries(dead.map((m) => [m.headers["Castbus-Reason"], m]));
    expect(Object.keys(byReason).sort()).toEqual(["invalid_frame", "invalid_payload"]);
    expect(byReason["invalid_payload"]!.json()).toMatchObject({
      op: 5,
      d: { eventType: "CurrentProgramSceneChanged" },
    });
    expect(byReason["invalid_payload"]!.headers["Castbus-Error"]).toContain("sceneName");
    expect(byReason["invalid_frame"]!.text).toBe("{this is not json");
    const metrics = await getLocal(ingester.port, "/metrics");
    expect(metrics.text).toContain(
      'castbus_events_rejected_total{source="obs",reason="invalid_payload"} 1',
    );
  });
});

describe("ingester-obs against obs-websocket 5.0.1 (OBS 28.0)", () => {
  it("works without UUIDs, sceneName in GetCurrentProgramScene or GetSceneItemSource", async () => {
    await stack.stop();
    stack = await startStack({ obsWebSocketVersion: "5.0.1" });
    await stack.connected();
    stack.sim.setScene("BRB");
    stack.sim.setSceneItemEnabled("BRB", "BRB Text", false);
    const [scene] = await stack.waitForType("obs.scene_changed");
    const [visibility] = await stack.waitForType("obs.source_visibility");
    expect(dataOf(scene!)).toEqual({
      sceneName: "BRB",
      previousScene: "Starting Soon",
      inferred: false,
    });
    expect(dataOf(visibility!)).toEqual({
      sceneName: "BRB",
      sceneItemId: 2,
      sourceName: "BRB Text",
      visible: false,
    });
  });
});
