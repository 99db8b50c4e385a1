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

/**
 * A session id is the second the output started, recomputed from OBS's `outputDuration`; two
 * readings a few ms apart can straddle a second boundary. Starting mid-second keeps these
 * tests about the design, not about that (documented) edge.
 */
async function midSecond(): Promise<void> {
  while (Date.now() % 1000 < 100 || Date.now() % 1000 > 600) await settle(10);
}

const idOf = (m: { json<T>(): T }) => m.json<{ id: string }>().id;

describe("ingester-obs: envelope ids", () => {
  it("keeps a stream's ids across a reconnect: the same session is neither repeated nor split", async () => {
    const ingester = await stack.connected();
    await midSecond();
    await stack.sim.startStream();
    const [started] = await stack.waitForType("obs.stream_started");
    await stack.sim.restartServer(); // 1001 from the settings dialog; the stream keeps running
    await waitFor(
      async () => stack.sim.connections.length === 2 && (await upstreamCheck(ingester)).ok,
    );
    await stack.sim.stopStream();
    const [stopped] = await stack.waitForType("obs.stream_stopped");
    expect(idOf(started!)).toMatch(new RegExp(`^obs:studio-1:obs\\.stream_started:since-\\d{10}$`));
    expect(idOf(stopped!)).toBe(idOf(started!).replace("stream_started", "stream_stopped"));
    expect(dataOf(stopped!)).toMatchObject({
      inferred: false,
      startedAt: dataOf(started!)["startedAt"],
    });
    await settle();
    expect((await stack.events()).map((m) => m.subject)).toEqual([
      "events.obs.stream_started",
      "events.obs.stream_stopped",
    ]);
  });

  it("a new ingester process republishes a start it cannot know was published, with the same id, so JetStream drops it", async () => {
    const first = await stack.connected();
    await midSecond();
    await stack.sim.startStream();
    await stack.sim.startRecording();
    const [stream] = await stack.waitForType("obs.stream_started");
    const [recording] = await stack.waitForType("obs.recording_started");
    await first.stop();
    const second = await stack.connected();
    await waitFor(async () =>
      /castbus_events_duplicates_total\{source="obs"\} 2/.test(
        (await getLocal(second.port, "/metrics")).text,
      ),
    );
    const stored = await stack.events();
    expect(stored.map(idOf)).toEqual([idOf(stream!), idOf(recording!)]);
    expect(dataOf(stored[1]!)["outputPath"]).toMatch(/\.mkv$/); // the original, not the pathless copy
    expect(stack.logs.find("connected to OBS").at(-1)).toMatchObject({ inferredEvents: 2 });
  });

  it("a new ingester process does not republish a start older than JetStream's duplicate window", async () => {
    const first = await stack.connected({ EVENTS_DUPLICATE_WINDOW_S: "1" });
    await stack.sim.startStream();
    await stack.waitForType("obs.stream_started");
    await first.stop();
    await settle(1100);
    const second = await stack.ingester({ EVENTS_DUPLICATE_WINDOW_S: "1" });
    await waitForReady(second);
    await settle();
    expect(await stack.events()).toHaveLength(1);
    expect(stack.logs.find("connected to OBS").at(-1)).not.toHaveProperty("inferredEvents");
  });

  it("gives instantaneous events their arrival time, made unique per type", async () => {
    await stack.connected();
    for (const scene of ["BRB", "Gameplay", "BRB", "Gameplay"]) stack.sim.setScene(scene);
    const ids = (await stack.waitForType("obs.scene_changed", 4)).map(idOf);
    expect(new Set(ids).size).toBe(4);
    for (const id of ids) expect(id).toMatch(/^obs:studio-1:obs\.scene_changed:at-\d{13}$/);
  });
});
