import type { FuzzCase } from "./corpus.js";
import {
  bool,
  custom,
  int,
  mutate,
  text,
  type FieldRule,
  type Shape,
  type Verdict,
} from "./fields.js";
import type { Random } from "./random.js";
import {
  DEEP_HOSTILE,
  HOSTILE_STRINGS,
  PROTO_KEYS,
  deepText,
  replacementValues,
} from "./values.js";

/**
 * Malformed obs-websocket 5.x frames, from its wire format (`services/ingester-obs/src/
 * upstream.ts`, reference `obs-websocket-v5.md`): text frames `{op, d}`, events `op: 5` with
 * `d: {eventType, eventIntent, eventData}`. Mapped event types whose data breaks their schema
 * are dead-lettered; frames that are not `{op, d}` JSON too; unmapped event types and opcodes
 * the client does not use are ignored by design.
 */

/** An `op: 5` event frame. */
export function obsFrame(
  eventType: string,
  eventData: unknown,
  intent = 4,
): { op: number; d: Record<string, unknown> } {
  return { op: 5, d: { eventType, eventIntent: intent, eventData } };
}

const uuid = (n: string) =>
  `0000${n}`.slice(-8).replace(/[^0-9a-f]/g, "a") + "-0000-4000-8000-000000000000";

/** A well-formed event of a state-free mapped type, named `name` where it has a name. */
export function obsEvent(type: string, name: string): { op: number; d: Record<string, unknown> } {
  switch (type) {
    case "CurrentProgramSceneChanged":
      return obsFrame(type, { sceneName: name, sceneUuid: uuid(name) });
    case "SceneListChanged":
      return obsFrame(type, {
        scenes: [
          { sceneName: name, sceneUuid: uuid(name), sceneIndex: 0 },
          { sceneName: `${name}-b`, sceneIndex: 1 },
        ],
      });
    case "SceneItemEnableStateChanged":
      return obsFrame(
        type,
        { sceneName: name, sceneUuid: uuid(name), sceneItemId: 3, sceneItemEnabled: true },
        128,
      );
    case "InputMuteStateChanged":
      return obsFrame(type, { inputName: name, inputUuid: uuid(name), inputMuted: true }, 8);
    case "StudioModeStateChanged":
      return obsFrame(type, { studioModeEnabled: true }, 1024);
    case "VirtualcamStateChanged":
      return obsFrame(
        type,
        { outputActive: true, outputState: "OBS_WEBSOCKET_OUTPUT_STARTED" },
        64,
      );
    default:
      return obsFrame(
        "ReplayBufferSaved",
        { savedReplayPath: `/home/streamer/Videos/${name}.mkv` },
        64,
      );
  }
}

/** The mapped types without per-session state (the stream and recording ones are below). */
export const STATELESS_TYPES = [
  "CurrentProgramSceneChanged",
  "SceneListChanged",
  "SceneItemEnableStateChanged",
  "InputMuteStateChanged",
  "StudioModeStateChanged",
  "VirtualcamStateChanged",
  "ReplayBufferSaved",
] as const;

/** What identifies a published OBS event of the fuzz (OBS events carry no id of their own). */
export function obsMarker(data: Record<string, unknown>): string {
  const scenes = data["scenes"];
  const first =
    Array.isArray(scenes) && typeof scenes[0] === "object" && scenes[0] !== null
      ? (scenes[0] as Record<string, unknown>)["sceneName"]
      : undefined;
  const marker = data["inputName"] ?? data["savedReplayPath"] ?? data["sceneName"] ?? first;
  return typeof marker === "string" ? marker : "(unnamed)";
}

const D = "d.eventData.";
const optionalUuid: FieldRule = custom(
  (v) =>
    v === undefined || v === null || (typeof v === "string" && v.length > 0) ? "event" : "dlq",
  () => ["", null, 5, "x"],
);
const outputState: FieldRule = custom(
  (v) => {
    if (typeof v !== "string" || v === "") return "dlq";
    // Only STARTED and STOPPED are published for the virtual camera; other states are skipped.
    return v === "OBS_WEBSOCKET_OUTPUT_STARTED" || v === "OBS_WEBSOCKET_OUTPUT_STOPPED"
      ? "event"
      : "ignored";
  },
  () => ["", "OBS_WEBSOCKET_OUTPUT_STOPPED", "OBS_WEBSOCKET_OUTPUT_STARTING", "STARTED", 1, null],
);

/** The rules of each stateless type's `eventData` (wire schema plus normalized schema). */
export function obsShape(type: string): Shape {
  const name = text({ min: 1 });
  switch (type) {
    case "CurrentProgramSceneChanged":
      return { [`${D}sceneName`]: name, [`${D}sceneUuid`]: optionalUuid };
    case "SceneListChanged":
      return {
        [`${D}scenes`]: custom(
          (v) => (Array.isArray(v) && v.length === 0 ? "event" : "dlq"),
          () => [[], {}, null, [1]],
        ),
        [`${D}scenes.0.sceneName`]: name,
        [`${D}scenes.0.sceneUuid`]: optionalUuid,
        [`${D}scenes.0.sceneIndex`]: int({ min: 0 }),
      };
    case "SceneItemEnableStateChanged":
      return {
        [`${D}sceneName`]: name,
        [`${D}sceneUuid`]: optionalUuid,
        [`${D}sceneItemId`]: int({ min: 0 }),
        [`${D}sceneItemEnabled`]: bool(),
      };
    case "InputMuteStateChanged":
      return {
        [`${D}inputName`]: name,
        [`${D}inputUuid`]: optionalUuid,
        [`${D}inputMuted`]: bool(),
      };
    case "StudioModeStateChanged":
      return { [`${D}studioModeEnabled`]: bool() };
    case "VirtualcamStateChanged":
      return { [`${D}outputActive`]: bool(), [`${D}outputState`]: outputState };
    default:
      return { [`${D}savedReplayPath`]: name };
  }
}

/** One malformed (or odd but valid) frame; names are `fz-<index>`. */
export function obsCase(random: Random, index: number): FuzzCase | undefined {
  const type = random.pick(STATELESS_TYPES);
  const frame = obsEvent(type, `fz-${index}`);
  const as = (
    family: string,
    verdict: Verdict,
    payload: unknown,
    extra: Partial<FuzzCase> = {},
  ): FuzzCase => {
    const text = typeof payload === "string" ? payload : JSON.stringify(payload);
    const marker =
      verdict === "event"
        ? obsMarker((JSON.parse(text) as { d: { eventData: Record<string, unknown> } }).d.eventData)
        : undefined;
    return {
      family,
      verdict,
      payload: text,
      ...(marker === undefined ? {} : { id: marker }),
      ...extra,
    };
  };
  const roll = random.int(0, 19);
  if (roll < 6) return frameCase(random, index, frame, as);
  if (roll === 6) return outputCase(random, index, as);
  if (roll === 7) {
    const text = JSON.stringify(frame).replace(
      '"eventData":{',
      `"eventData":{"nested":${deepText(random.pick(DEEP_HOSTILE), "mixed")},`,
    );
    return as("deepHostile:eventData", "event", text);
  }
  const m = mutate(frame, obsShape(type), random, { giant: true });
  return m === undefined ? undefined : as(m.family, m.verdict, m.payload);
}

type As = (
  family: string,
  verdict: Verdict,
  payload: unknown,
  extra?: Partial<FuzzCase>,
) => FuzzCase;

/** Faults of the frame around the event: not JSON, not `{op, d}`, odd opcodes and event envelopes. */
function frameCase(
  random: Random,
  index: number,
  frame: { op: number; d: Record<string, unknown> },
  as: As,
): FuzzCase {
  switch (random.int(0, 7)) {
    case 0:
      return as(
        "frame:notJson",
        "dlq",
        random.pick([
          `{"op":5,"d":{"eventType":"fz-${index}"`,
          `op=5&d=${index}`,
          `\ufeff{"op":5,"d":{},"n":${index}}`,
          `{op:5,d:{},n:${index}}`,
        ]),
      );
    case 1: {
      const bad = random.pick([
        { op: String(frame.op) },
        { op: null },
        { d: undefined },
        { d: random.pick([[], "d", 5, null]) },
        { op: undefined },
      ]);
      return as("frame:notOpD", "dlq", { ...frame, ...bad, n: index });
    }
    case 2: {
      const d = {
        ...frame.d,
        ...random.pick([
          { eventType: undefined },
          { eventType: "" },
          { eventType: index },
          { eventData: random.pick([[], "x", 5, null, true]) },
          { eventIntent: "4" },
        ]),
      };
      return as("frame:eventEnvelope", "dlq", { op: 5, d, n: index });
    }
    case 3: {
      const eventType = random.pick([
        "SceneItemSelected",
        "CustomEvent",
        "currentProgramSceneChanged",
        `Fz${index}Changed`,
        ...PROTO_KEYS,
        random.pick(HOSTILE_STRINGS),
      ]);
      return as("frame:unmappedEventType", "ignored", {
        op: 5,
        d: { ...frame.d, eventType },
        n: index,
      });
    }
    case 4:
      return as("frame:unusedOpcode", "ignored", {
        op: random.pick([0, 2, 3, 4, 8, 9, 99, -1, 1.5, 2 ** 53]),
        d: { ...frame.d, n: index },
      });
    case 5: {
      const d = random.pick([
        { requestId: `fz-${index}` },
        { requestId: `fz-${index}`, requestType: "GetVersion", requestStatus: "ok" },
      ]);
      return as("frame:badResponse", "dlq", { op: 7, d });
    }
    case 6:
      return as("frame:strayResponse", "ignored", {
        op: 7,
        d: {
          requestId: `fz-${index}`,
          requestType: "GetVersion",
          requestStatus: { result: true, code: 100 },
        },
      });
    default:
      return as("extraKey:frame", "event", {
        ...frame,
        [random.pick(PROTO_KEYS)]: random.pick(replacementValues(random)),
        n: index,
      });
  }
}

/**
 * Stream and recording state events with broken data: dead-lettered, and never moving the output
 * state the next good event is judged by.
 */
function outputCase(random: Random, index: number, as: As): FuzzCase {
  const type = random.pick(["StreamStateChanged", "RecordStateChanged"]);
  const state = random.pick(["OBS_WEBSOCKET_OUTPUT_STARTED", "OBS_WEBSOCKET_OUTPUT_STOPPED"]);
  const data = { outputActive: random.pick(["yes", 1, null]), outputState: state, n: index };
  return as(`output:${type}`, "dlq", obsFrame(type, data, 64));
}
