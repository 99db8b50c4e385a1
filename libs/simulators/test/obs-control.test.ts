import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { obsCommand, startObsSimulator, type ObsSimulator } from "../src/obs/index.js";
import { connectClient, openRaw } from "./obs-client.js";

let sim: ObsSimulator;
beforeAll(async () => {
  sim = await startObsSimulator({ password: "control-test-pw" });
});
afterAll(() => sim.close());

async function call(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${sim.controlUrl}/__sim/${path}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe("obs simulator: /__sim/ control API", () => {
  it("drives scenes, items and outputs the way the programmatic API does", async () => {
    const client = await connectClient(sim.url, { password: "control-test-pw" });
    expect(await call("POST", "scene", { name: "BRB" })).toEqual({
      status: 200,
      json: { ok: true },
    });
    expect(await call("POST", "item", { scene: "Gameplay", item: "Chat", enabled: true })).toEqual({
      status: 200,
      json: { sceneItemId: 4 },
    });
    expect((await call("POST", "stream/start")).status).toBe(200);
    expect((await call("GET", "state")).json).toMatchObject({ running: true, currentScene: "BRB" });
    await client.next(() => client.events().length >= 4);
    expect(client.events().map((e) => e["eventType"])).toEqual([
      "CurrentProgramSceneChanged",
      "SceneItemEnableStateChanged",
      "StreamStateChanged",
      "StreamStateChanged",
    ]);
    await call("POST", "stream/stop");
    client.ws.close();
  });

  it("answers 409 with OBS's code for refused actions, 400 for bad input and 404 for unknown routes", async () => {
    expect(await call("POST", "scene", { name: "Nope" })).toEqual({
      status: 409,
      json: { error: "No source was found by the name of `Nope`.", code: 600 },
    });
    expect((await call("POST", "item", { scene: "BRB", enabled: "yes" })).status).toBe(400);
    expect((await call("POST", "faults", { fault: { kind: "explode" } })).status).toBe(400);
    expect((await call("GET", "nothing-here")).status).toBe(404);
  });

  it("closes and reopens OBS while the control API stays up", async () => {
    expect((await call("POST", "stop")).status).toBe(200);
    expect((await call("GET", "state")).json).toMatchObject({ running: false });
    await expect(openRaw(sim.url)).rejects.toMatchObject({ code: "ECONNREFUSED" });
    expect((await call("POST", "start")).status).toBe(200);
    (await connectClient(sim.url, { password: "control-test-pw" })).ws.close();
    expect(
      ((await call("GET", "connections")).json["connections"] as unknown[]).length,
    ).toBeGreaterThan(0);
  });
});

describe("castbus-sim obs (the command main.ts registers)", () => {
  it("announces itself and in --demo mode goes live and then switches scenes or toggles sources", async () => {
    const running = await obsCommand.start({
      port: "0",
      password: "demo-pw-123",
      demo: true,
      "interval-ms": "100",
    });
    const ready = running.announcement as { url: string };
    expect(running.announcement).toMatchObject({
      simulator: "obs",
      url: expect.stringMatching(/^ws:\/\/127\.0\.0\.1:\d+$/),
      controlUrl: expect.stringMatching(/^http:\/\//),
      auth: true,
      demo: true,
    });
    const client = await connectClient(ready.url, { password: "demo-pw-123" });
    await client.next(
      () =>
        client.events().some((e) => e["eventType"] === "StreamStateChanged") &&
        client.events().some((e) => e["eventType"] !== "StreamStateChanged"),
      5000,
    );
    client.ws.close();
    await running.close();
  });

  it("rejects bad flags as usage errors", async () => {
    await expect(obsCommand.start({ port: "-1" })).rejects.toThrow(/--port must be/);
    await expect(obsCommand.start({ "interval-ms": "5" })).rejects.toThrow(/--interval-ms/);
    await expect(obsCommand.start({ port: "0", version: "4.9" })).rejects.toThrow(
      /obsWebSocketVersion/,
    );
  });
});
