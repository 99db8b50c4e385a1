import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startObsSimulator, type ObsSimulator } from "../src/obs/index.js";
import { connectClient, openRaw, type ObsTestClient } from "./obs-client.js";

let sim: ObsSimulator;
let client: ObsTestClient;
beforeEach(async () => {
  sim = await startObsSimulator();
  client = await connectClient(sim.url); // no mask: All
});
afterEach(async () => {
  client.ws.close();
  await sim.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until `count` events of `type` arrived and returns their eventData. */
async function eventsOf(type: string, count = 1): Promise<Record<string, unknown>[]> {
  await client.next(() => client.events().filter((e) => e["eventType"] === type).length >= count);
  return client
    .events()
    .filter((e) => e["eventType"] === type)
    .map((e) => e["eventData"] as Record<string, unknown>);
}

describe("obs simulator: events", () => {
  it("sends events only to identified sessions subscribed to their intent", async () => {
    const scenesOnly = await connectClient(sim.url, { eventSubscriptions: 4 });
    const raw = await openRaw(sim.url); // never identifies
    sim.setInputMute("Mic/Aux", true);
    sim.setScene("BRB");
    await eventsOf("CurrentProgramSceneChanged");
    await scenesOnly.next((f) => f.op === 5);
    await sleep(20);
    expect(scenesOnly.events().map((e) => e["eventType"])).toEqual(["CurrentProgramSceneChanged"]);
    expect(client.events().map((e) => [e["eventType"], e["eventIntent"]])).toEqual([
      ["InputMuteStateChanged", 8],
      ["CurrentProgramSceneChanged", 4],
    ]);
    expect(raw.frames.map((f) => f.op)).toEqual([0]);
    scenesOnly.ws.close();
    raw.ws.close();
  });

  it("runs the stream through STARTING → STARTED, RECONNECTING → RECONNECTED and STOPPING → STOPPED", async () => {
    await sim.startStream();
    await sim.reconnectStream();
    await sim.stopStream();
    await sim.startStream({ fail: true });
    const states = (await eventsOf("StreamStateChanged", 8)).map((d) => [
      d["outputState"],
      d["outputActive"],
    ]);
    expect(states).toEqual([
      ["OBS_WEBSOCKET_OUTPUT_STARTING", false],
      ["OBS_WEBSOCKET_OUTPUT_STARTED", true],
      ["OBS_WEBSOCKET_OUTPUT_RECONNECTING", false],
      ["OBS_WEBSOCKET_OUTPUT_RECONNECTED", true],
      ["OBS_WEBSOCKET_OUTPUT_STOPPING", false],
      ["OBS_WEBSOCKET_OUTPUT_STOPPED", false],
      ["OBS_WEBSOCKET_OUTPUT_STARTING", false],
      ["OBS_WEBSOCKET_OUTPUT_STOPPED", false],
    ]);
  });

  it("sends the recording's outputPath on STARTED and STOPPED only, and pauses and resumes", async () => {
    await sim.startRecording();
    sim.pauseRecording();
    sim.resumeRecording();
    await sim.stopRecording();
    const events = await eventsOf("RecordStateChanged", 6);
    expect(
      events.map((d) => [
        String(d["outputState"]).replace("OBS_WEBSOCKET_OUTPUT_", ""),
        d["outputPath"],
      ]),
    ).toEqual([
      ["STARTING", null],
      [
        "STARTED",
        expect.stringMatching(/^\/home\/streamer\/Videos\/\d{4}-\d\d-\d\d \d\d-\d\d-\d\d\.mkv$/),
      ],
      ["PAUSED", null],
      ["RESUMED", null],
      ["STOPPING", null],
      ["STOPPED", events[1]!["outputPath"]],
    ]);
  });

  it("reports the virtual camera only as STARTED and STOPPED, and saves replays only while the buffer runs", async () => {
    await sim.startVirtualCam();
    await sim.stopVirtualCam();
    expect((await eventsOf("VirtualcamStateChanged", 2)).map((d) => d["outputState"])).toEqual([
      "OBS_WEBSOCKET_OUTPUT_STARTED",
      "OBS_WEBSOCKET_OUTPUT_STOPPED",
    ]);
    expect(() => sim.saveReplayBuffer()).toThrow(/501/);
    await sim.startReplayBuffer();
    const path = sim.saveReplayBuffer();
    expect(await eventsOf("ReplayBufferSaved")).toEqual([{ savedReplayPath: path }]);
  });

  it("reports scene item visibility by id, item and scene list changes, renames and mutes", async () => {
    const id = sim.setSceneItemEnabled("Gameplay", "Chat", true);
    sim.setSceneItemEnabled("Gameplay", "Chat", true); // no change, no event
    const added = sim.addSceneItem("BRB", "Sponsor Logo");
    sim.removeSceneItem("BRB", added);
    sim.createScene("Ending");
    sim.renameScene("Ending", "Outro");
    expect(await eventsOf("SceneItemEnableStateChanged")).toEqual([
      {
        sceneName: "Gameplay",
        sceneUuid: expect.any(String),
        sceneItemId: id,
        sceneItemEnabled: true,
      },
    ]);
    expect((await eventsOf("SceneItemCreated"))[0]).toMatchObject({
      sceneName: "BRB",
      sourceName: "Sponsor Logo",
      sceneItemId: 3,
    });
    expect((await eventsOf("SceneItemRemoved"))[0]).toMatchObject({
      sourceName: "Sponsor Logo",
      sceneItemId: 3,
    });
    const list = (await eventsOf("SceneListChanged"))[0]!["scenes"] as {
      sceneName: string;
      sceneIndex: number;
    }[];
    expect(list.at(-1)).toMatchObject({ sceneName: "Ending", sceneIndex: 4 });
    expect((await eventsOf("SceneNameChanged"))[0]).toMatchObject({
      oldSceneName: "Ending",
      sceneName: "Outro",
    });
  });

  it("can repeat CurrentProgramSceneChanged on a studio-mode toggle, the quirk clients report", async () => {
    sim.setDuplicateSceneEventOnStudioToggle(true);
    sim.setStudioMode(true);
    expect(await eventsOf("StudioModeStateChanged")).toEqual([{ studioModeEnabled: true }]);
    expect((await eventsOf("CurrentProgramSceneChanged"))[0]).toMatchObject({
      sceneName: "Starting Soon",
    });
    expect((await eventsOf("CurrentPreviewSceneChanged"))[0]).toMatchObject({
      sceneName: "Starting Soon",
    });
  });

  it("suppresses events while OBS is not ready", async () => {
    sim.setNotReady(true);
    sim.setScene("BRB");
    await sleep(30);
    sim.setNotReady(false);
    sim.setScene("Gameplay");
    expect((await eventsOf("CurrentProgramSceneChanged")).map((d) => d["sceneName"])).toEqual([
      "Gameplay",
    ]);
  });
});

describe("obs simulator: OBS coming and going", () => {
  it('on exit sends ExitStarted, closes 1001 "Server stopping." and refuses connections until started again', async () => {
    await sim.startStream();
    await sim.stop();
    expect(await client.closed).toEqual({ code: 1001, reason: "Server stopping." });
    expect(client.events().at(-1)).toEqual({ eventType: "ExitStarted", eventIntent: 1 });
    expect(sim.running).toBe(false);
    await expect(openRaw(sim.url)).rejects.toMatchObject({ code: "ECONNREFUSED" });
    await sim.start();
    const again = await connectClient(sim.url);
    const status = await again.request("GetStreamStatus");
    expect(status["responseData"]).toMatchObject({ outputActive: false });
    again.ws.close();
  });

  it("draws a new salt each time the server starts", async () => {
    const secured = await startObsSimulator({ password: "pw-0123456789" });
    const salt = async () =>
      (
        (await (await openRaw(secured.url)).next((f) => f.op === 0)).d["authentication"] as {
          salt: string;
        }
      ).salt;
    const first = await salt();
    expect(await salt()).toBe(first);
    await secured.restartServer();
    expect(await salt()).not.toBe(first);
    await secured.close();
  });

  it("crashes with 1006 and comes back on the same URL", async () => {
    const url = sim.url;
    await sim.crash();
    expect((await client.closed).code).toBe(1006);
    await sim.start();
    expect(sim.url).toBe(url);
    (await connectClient(url)).ws.close();
  });

  it('kicks with 4011 "Your session has been invalidated."', async () => {
    sim.kickAll();
    expect(await client.closed).toEqual({
      code: 4011,
      reason: "Your session has been invalidated.",
    });
  });

  it("keeps outputs running across a server restart from the settings dialog", async () => {
    await sim.startStream();
    await sim.restartServer();
    expect((await client.closed).code).toBe(1001);
    const again = await connectClient(sim.url);
    expect((await again.request("GetStreamStatus"))["responseData"]).toMatchObject({
      outputActive: true,
    });
    again.ws.close();
  });

  it("freezes: stops answering requests and pings without closing", async () => {
    sim.freeze();
    let pong = false;
    client.ws.on("pong", () => (pong = true));
    client.ws.ping();
    client.send({ op: 6, d: { requestType: "GetVersion", requestId: "frozen" } });
    await sleep(200);
    expect(pong).toBe(false);
    expect(client.frames.some((f) => f.op === 7)).toBe(false);
    expect(client.ws.readyState).toBe(client.ws.OPEN);
  });
});
