import { z } from "zod";
import { timestampSchema } from "./envelope.js";

/**
 * OBS Studio normalized payloads (obs-websocket 5.x, mapped by `services/ingester-obs`). OBS
 * names are kept as OBS shows them (`sceneName`, `sourceName`, `inputName`); UUIDs appear only
 * when the OBS instance sends them (obs-websocket 5.4+). `source` is `obs/<OBS_NAME>`.
 */

/** Extras every OBS payload may carry. */
const common = {
  /** The OBS event data as sent, only when the ingester runs with `OBS_KEEP_RAW=true`. */
  raw: z.record(z.string(), z.unknown()).optional(),
};

/**
 * True when OBS sent no event for this: the ingester inferred it after reconnecting, from OBS's
 * state then (e.g. the stream had stopped while OBS was gone). False for events OBS sent.
 */
const inferred = z.boolean();

const sceneRef = {
  sceneName: z.string().min(1),
  /** OBS's id of the scene (obs-websocket 5.4+); survives renames. */
  sceneUuid: z.string().min(1).optional(),
};

/** The raw `outputState` and `outputActive` of the OBS event, for consumers that want them. */
const outputState = {
  /** `OBS_WEBSOCKET_OUTPUT_STARTED`, `..._STOPPED`, ... as OBS sent it. */
  outputState: z.string().min(1),
  outputActive: z.boolean(),
};

/** When the output (stream or recording) started, derived from OBS's own `outputDuration`. */
const startedAt = timestampSchema;

const stream = z.object({ ...common, ...outputState, inferred });

/** Payload schemas of the OBS event types, keyed by event type. */
export const obsSchemas = {
  /** The program (live) scene changed. */
  "obs.scene_changed": z.object({
    ...common,
    ...sceneRef,
    /** The program scene before this change; null only when the ingester could not learn it. */
    previousScene: z.string().nullable(),
    inferred,
  }),
  /** Scenes were added, removed or reordered: the whole list, bottom of OBS's list first. */
  "obs.scene_list_changed": z.object({
    ...common,
    scenes: z.array(z.object({ ...sceneRef, sceneIndex: z.number().int().nonnegative() })),
  }),
  /** A scene item (a source placed in a scene) was shown or hidden. */
  "obs.source_visibility": z.object({
    ...common,
    ...sceneRef,
    /** The item's id, unique within its scene only. */
    sceneItemId: z.number().int().nonnegative(),
    /** The source the item shows, resolved by the ingester; null when OBS no longer knew the item. */
    sourceName: z.string().min(1).nullable(),
    visible: z.boolean(),
  }),
  /** An input (microphone, desktop audio, media source, ...) was muted or unmuted. */
  "obs.input_mute_changed": z.object({
    ...common,
    inputName: z.string().min(1),
    inputUuid: z.string().min(1).optional(),
    muted: z.boolean(),
  }),
  /** Studio mode (preview/program) was turned on or off. */
  "obs.studio_mode_changed": z.object({ ...common, enabled: z.boolean() }),
  /** The stream went live (OBS_WEBSOCKET_OUTPUT_STARTED). */
  "obs.stream_started": stream.extend({ startedAt }),
  /** The stream ended (OBS_WEBSOCKET_OUTPUT_STOPPED after it had started). */
  "obs.stream_stopped": stream.extend({
    /** When this stream had started, when the ingester knew. */
    startedAt: startedAt.optional(),
  }),
  /** The stream never went live: STARTING was followed by STOPPED. */
  "obs.stream_start_failed": z.object({ ...common, ...outputState }),
  /** The stream lost its connection to the service and OBS is retrying (5.1+). */
  "obs.stream_reconnecting": z.object({
    ...common,
    ...outputState,
    startedAt: startedAt.optional(),
  }),
  /** The stream got its connection back. */
  "obs.stream_reconnected": z.object({
    ...common,
    ...outputState,
    startedAt: startedAt.optional(),
  }),
  /** Recording started, into `outputPath`. */
  "obs.recording_started": z.object({
    ...common,
    ...outputState,
    /** The file being written; null when OBS did not say (an inferred start never knows it). */
    outputPath: z.string().min(1).nullable(),
    startedAt,
    inferred,
  }),
  /** Recording stopped; `outputPath` is the finished file. */
  "obs.recording_stopped": z.object({
    ...common,
    ...outputState,
    /** The finished file; null when inferred for a recording whose path the ingester never saw. */
    outputPath: z.string().min(1).nullable(),
    startedAt: startedAt.optional(),
    inferred,
  }),
  /** Recording paused. */
  "obs.recording_paused": z.object({
    ...common,
    ...outputState,
    outputPath: z.string().min(1).nullable(),
  }),
  /** Recording resumed after a pause. */
  "obs.recording_resumed": z.object({
    ...common,
    ...outputState,
    outputPath: z.string().min(1).nullable(),
  }),
  /** The replay buffer was saved to `savedReplayPath`. */
  "obs.replay_buffer_saved": z.object({ ...common, savedReplayPath: z.string().min(1) }),
  /** The virtual camera was turned on. */
  "obs.virtualcam_started": z.object({ ...common, ...outputState }),
  /** The virtual camera was turned off. */
  "obs.virtualcam_stopped": z.object({ ...common, ...outputState }),
} as const;
