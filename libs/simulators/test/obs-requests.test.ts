import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startObsSimulator, type ObsSimulator } from "../src/obs/index.js";
import { connectClient, type ObsTestClient } from "./obs-client.js";

let sim: ObsSimulator;
let client: ObsTestClient;
beforeAll(async () => {
  sim = await startObsSimulator();
  client = await connectClient(sim.url);
});
afterAll(async () => {
  client.ws.close();
  await sim.close();
});

describe("obs simulator: requests", () => {
  it("echoes requestId and requestType, omits responseData when there is none and comment on success", async () => {
    const version = await client.request("GetVersion");
    expect(version).toMatchObject({
      requestType: "GetVersion",
      requestStatus: { code: 100, result: true },
      responseData: { obsWebSocketVersion: "5.7.3", rpcVersion: 1 },
    });
    expect(version["requestStatus"]).not.toHaveProperty("comment");
    const available = (version["responseData"] as { availableRequests: string[] })
      .availableRequests;
    expect(available).toEqual(
      expect.arrayContaining(["GetSceneItemList", "GetSceneItemSource", "GetStreamStatus"]),
    );
    const set = await client.request("SetCurrentProgramScene", { sceneName: "BRB" });
    expect(set).not.toHaveProperty("responseData");
    expect(sim.currentScene).toBe("BRB");
  });

  it("answers GetCurrentProgramScene with the 5.4+ keys and accepts requestData null", async () => {
    const answer = await client.request("GetCurrentProgramScene", null);
    expect(answer["responseData"]).toMatchObject({
      sceneName: "BRB",
      currentProgramSceneName: "BRB",
      sceneUuid: expect.any(String),
      currentProgramSceneUuid: expect.any(String),
    });
  });

  it("lists scene items bottom to top, with 602 for a group and GetGroupSceneItemList for its items", async () => {
    const list = await client.request("GetSceneItemList", { sceneName: "Gameplay" });
    const items = (list["responseData"] as { sceneItems: Record<string, unknown>[] }).sceneItems;
    expect(items.map((i) => [i["sceneItemId"], i["sourceName"], i["sceneItemIndex"]])).toEqual([
      [1, "Game Capture", 0],
      [2, "Webcam Frame", 1],
      [3, "Alerts", 2],
      [4, "Chat", 3],
    ]);
    expect(items[1]).toMatchObject({
      isGroup: true,
      inputKind: null,
      sourceType: "OBS_SOURCE_TYPE_SCENE",
    });
    expect(items[0]).toMatchObject({
      isGroup: null,
      inputKind: "game_capture",
      sceneItemEnabled: true,
    });
    expect(await client.request("GetSceneItemList", { sceneName: "Webcam Frame" })).toMatchObject({
      requestStatus: {
        code: 602,
        result: false,
        comment: "The specified source is not a scene. (Is group)",
      },
    });
    const group = await client.request("GetGroupSceneItemList", { sceneName: "Webcam Frame" });
    expect(
      (group["responseData"] as { sceneItems: { sourceName: string }[] }).sceneItems.map(
        (i) => i.sourceName,
      ),
    ).toEqual(["Webcam", "Webcam Border"]);
  });

  it("answers lookups of missing things with 600, missing fields with 300 and unknown types with 204", async () => {
    expect(await client.request("GetSceneItemList", { sceneName: "Nope" })).toMatchObject({
      requestStatus: { code: 600, comment: "No source was found by the name of `Nope`." },
    });
    expect(
      await client.request("GetSceneItemSource", { sceneName: "Gameplay", sceneItemId: 42 }),
    ).toMatchObject({
      requestStatus: {
        code: 600,
        comment: "No scene items were found in scene `Gameplay` with the ID `42`.",
      },
    });
    expect(await client.request("GetSceneItemList", {})).toMatchObject({
      requestStatus: { code: 300 },
    });
    expect(await client.request("GetRainbow")).toMatchObject({
      requestStatus: { code: 204, result: false, comment: "Your request type is not valid." },
    });
    expect(await client.request("")).toMatchObject({ requestStatus: { code: 203 } });
    expect(await client.request("GetCurrentPreviewScene")).toMatchObject({
      requestStatus: { code: 506 },
    });
  });

  it("refuses output requests that do not fit the state: 500, 501, 503", async () => {
    expect(await client.request("StopStream")).toMatchObject({ requestStatus: { code: 501 } });
    expect(await client.request("ResumeRecord")).toMatchObject({ requestStatus: { code: 503 } });
    await sim.startStream();
    expect(await client.request("StartStream")).toMatchObject({ requestStatus: { code: 500 } });
    const status = await client.request("GetStreamStatus");
    expect(status["responseData"]).toMatchObject({
      outputActive: true,
      outputReconnecting: false,
      outputTimecode: expect.stringMatching(/^\d\d:\d\d:\d\d\.\d{3}$/),
    });
    await sim.stopStream();
  });

  it("answers every request with 207 while OBS is not ready", async () => {
    sim.setNotReady(true);
    expect(await client.request("GetVersion")).toMatchObject({
      requestStatus: {
        code: 207,
        result: false,
        comment: "OBS is not ready to perform the request.",
      },
    });
    sim.setNotReady(false);
    expect(await client.request("GetVersion")).toMatchObject({ requestStatus: { code: 100 } });
  });

  it("runs a batch in order and stops at the first failure with haltOnFailure", async () => {
    client.send({
      op: 8,
      d: {
        requestId: "batch-1",
        haltOnFailure: true,
        requests: [
          { requestType: "GetVersion", requestId: "a" },
          { requestType: "Sleep", requestData: { sleepMillis: 5 } },
          { requestType: "GetSceneItemList", requestData: { sceneName: "Nope" } },
          { requestType: "GetStreamStatus" },
        ],
      },
    });
    const batch = await client.next((f) => f.op === 9 && f.d["requestId"] === "batch-1");
    const results = batch.d["results"] as Record<string, unknown>[];
    expect(
      results.map((r) => [r["requestType"], (r["requestStatus"] as { code: number }).code]),
    ).toEqual([
      ["GetVersion", 100],
      ["Sleep", 100],
      ["GetSceneItemList", 600],
    ]);
    expect(results[0]).toHaveProperty("requestId", "a");
    expect(results[1]).not.toHaveProperty("requestId");
  });

  it("can hang chosen requests without closing", async () => {
    sim.inject({ kind: "hang-requests", requestTypes: ["GetStreamStatus"] });
    const hung = await connectClient(sim.url);
    const pending = hung.request("GetStreamStatus").then(() => "answered");
    const timeout = new Promise((r) => setTimeout(() => r("still waiting"), 300));
    expect(await Promise.race([pending, timeout])).toBe("still waiting");
    expect(await hung.request("GetVersion")).toMatchObject({ requestStatus: { code: 100 } });
    hung.ws.close();
  });
});

describe("obs simulator: version profiles", () => {
  it("5.0.x has no UUIDs, no GetSceneItemSource and a GetCurrentProgramScene with one key", async () => {
    const old = await startObsSimulator({ obsWebSocketVersion: "5.0.1" });
    const c = await connectClient(old.url, { eventSubscriptions: 4 });
    expect((await c.request("GetCurrentProgramScene"))["responseData"]).toEqual({
      currentProgramSceneName: "Starting Soon",
    });
    expect(
      await c.request("GetSceneItemSource", { sceneName: "BRB", sceneItemId: 1 }),
    ).toMatchObject({
      requestStatus: { code: 204 },
    });
    const list = await c.request("GetSceneList");
    expect(JSON.stringify(list)).not.toMatch(/Uuid/);
    old.setScene("BRB");
    const event = await c.next((f) => f.op === 5);
    expect(event.d).toEqual({
      eventType: "CurrentProgramSceneChanged",
      eventIntent: 4,
      eventData: { sceneName: "BRB" },
    });
    c.ws.close();
    await old.close();
  });
});
