import { describe, expect, it } from "vitest";
import {
  createEnvelope,
  knownEventTypes,
  summarizeEvent,
  validateEvent,
  type obsSchemas,
} from "../src/index.js";

const STARTED_AT = "2026-11-23T20:00:00.000Z";
const output = (state: string, active: boolean) => ({
  outputState: `OBS_WEBSOCKET_OUTPUT_${state}`,
  outputActive: active,
});

/** One valid payload per OBS type, as the ingester publishes them. */
const SAMPLES: Record<keyof typeof obsSchemas, Record<string, unknown>> = {
  "obs.scene_changed": {
    sceneName: "BRB",
    sceneUuid: "9b0f",
    previousScene: "Gameplay",
    inferred: false,
  },
  "obs.scene_list_changed": { scenes: [{ sceneName: "BRB", sceneIndex: 0 }] },
  "obs.source_visibility": {
    sceneName: "Gameplay",
    sceneItemId: 3,
    sourceName: "Alerts",
    visible: false,
  },
  "obs.input_mute_changed": { inputName: "Mic/Aux", muted: true },
  "obs.studio_mode_changed": { enabled: true },
  "obs.stream_started": { ...output("STARTED", true), startedAt: STARTED_AT, inferred: false },
  "obs.stream_stopped": { ...output("STOPPED", false), startedAt: STARTED_AT, inferred: true },
  "obs.stream_start_failed": output("STOPPED", false),
  "obs.stream_reconnecting": { ...output("RECONNECTING", false), startedAt: STARTED_AT },
  "obs.stream_reconnected": output("RECONNECTED", true),
  "obs.recording_started": {
    ...output("STARTED", true),
    outputPath: "C:/Users/me/Videos/2026-11-23 20-00-00.mkv",
    startedAt: STARTED_AT,
    inferred: false,
  },
  "obs.recording_stopped": { ...output("STOPPED", false), outputPath: null, inferred: true },
  "obs.recording_paused": { ...output("PAUSED", false), outputPath: "/v/a.mkv" },
  "obs.recording_resumed": { ...output("RESUMED", true), outputPath: "/v/a.mkv" },
  "obs.replay_buffer_saved": { savedReplayPath: "/v/Replay 2026-11-23 20-01-00.mkv" },
  "obs.virtualcam_started": output("STARTED", true),
  "obs.virtualcam_stopped": output("STOPPED", false),
};

const envelope = (type: string, data: Record<string, unknown>) =>
  createEnvelope({ id: `obs:studio:${type}:at-1795449705383`, source: "obs/studio", type, data });

describe("obs schemas", () => {
  it("registers the 17 OBS types, DESIGN.md's six among them", () => {
    const obs = knownEventTypes.filter((t) => t.startsWith("obs."));
    expect(obs.sort()).toEqual(Object.keys(SAMPLES).sort());
    for (const type of [
      "obs.scene_changed",
      "obs.stream_started",
      "obs.stream_stopped",
      "obs.recording_started",
      "obs.recording_stopped",
      "obs.source_visibility",
    ])
      expect(obs).toContain(type);
  });

  it.each(Object.entries(SAMPLES))("accepts a %s the ingester publishes", (type, data) => {
    const result = validateEvent(envelope(type, data));
    expect(result.ok, JSON.stringify(result)).toBe(true);
  });

  it("requires previousScene on a scene change (null when unknown) and a resolved sourceName (null when OBS lost the item)", () => {
    const { previousScene: _p, ...noPrevious } = SAMPLES["obs.scene_changed"];
    expect(validateEvent(envelope("obs.scene_changed", noPrevious))).toMatchObject({
      ok: false,
      reason: "data",
      message: expect.stringContaining("previousScene"),
    });
    expect(
      validateEvent(envelope("obs.scene_changed", { ...noPrevious, previousScene: null })).ok,
    ).toBe(true);
    expect(
      validateEvent(
        envelope("obs.source_visibility", {
          ...SAMPLES["obs.source_visibility"],
          sourceName: null,
        }),
      ).ok,
    ).toBe(true);
    const { sourceName: _s, ...noSource } = SAMPLES["obs.source_visibility"];
    expect(validateEvent(envelope("obs.source_visibility", noSource)).ok).toBe(false);
  });

  it("rejects wrong shapes: a negative item id, a start without startedAt, an empty scene name", () => {
    expect(
      validateEvent(
        envelope("obs.source_visibility", { ...SAMPLES["obs.source_visibility"], sceneItemId: -1 }),
      ).ok,
    ).toBe(false);
    const { startedAt: _a, ...noStart } = SAMPLES["obs.stream_started"];
    expect(validateEvent(envelope("obs.stream_started", noStart)).ok).toBe(false);
    expect(
      validateEvent(
        envelope("obs.scene_changed", { ...SAMPLES["obs.scene_changed"], sceneName: "" }),
      ).ok,
    ).toBe(false);
  });

  it("keeps data.raw when present and drops unknown keys", () => {
    const result = validateEvent(
      envelope("obs.input_mute_changed", {
        ...SAMPLES["obs.input_mute_changed"],
        raw: { inputName: "Mic/Aux", inputMuted: true },
        volume: 3,
      }),
    );
    expect(result.ok && result.event.data).toEqual({
      inputName: "Mic/Aux",
      muted: true,
      raw: { inputName: "Mic/Aux", inputMuted: true },
    });
  });

  it("summarizes a scene change by its scene name", () => {
    expect(summarizeEvent({ type: "obs.scene_changed", data: SAMPLES["obs.scene_changed"] })).toBe(
      "BRB",
    );
  });
});
