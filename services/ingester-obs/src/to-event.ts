import { describeIssues } from "@castbus/events";
import type { MapResult, UpstreamRecord } from "@castbus/ingest";
import {
  OutputState,
  eventDataSchemas,
  isMappedEventType,
  type MappedEventType,
} from "./upstream.js";

/**
 * What the session knew when an event arrived. OBS events carry no id, no time, no previous
 * scene and no source name; the source adds them here so that mapping stays pure.
 */
export interface ObsContext {
  /** Epoch ms of arrival, made unique per OBS event type (the id of instantaneous events). */
  readonly receivedMs: number;
  /** The program scene before a scene change. */
  readonly previousScene?: string | null;
  /** The source a scene item shows, resolved from its id. */
  readonly sourceName?: string | null;
  /** Epoch ms the stream or recording started (the id of output events). */
  readonly startMs?: number;
  /** The recording's file as the ingester last saw it (pause/resume events carry none). */
  readonly outputPath?: string | null;
  /** STOPPED came straight after STARTING: the output never started. */
  readonly startFailed?: boolean;
  /** OBS sent no event: the ingester inferred it from OBS's state after reconnecting. */
  readonly inferred?: boolean;
  /** When an inferred change happened (at the latest); OBS events use their arrival time. */
  readonly time?: string;
}

/** A record as the source hands it to the runner (`UpstreamRecord.value`). */
export interface ObsRecordValue {
  /** The OBS event type (`StreamStateChanged`, ...). */
  readonly eventType: string;
  /** Its `eventData`, as OBS sent it (or as the ingester inferred it). */
  readonly eventData: Record<string, unknown>;
  readonly context: ObsContext;
}

/** Options of {@link toEvent}. */
export interface MapOptions {
  /** `OBS_NAME`; part of every id. */
  readonly account: string;
  readonly keepRaw: boolean;
}

type Data = Record<string, unknown>;

/**
 * Maps one OBS event to a castbus event, or says why it cannot. Ids are
 * `obs:<OBS_NAME>:<type>:since-<epoch s>` for stream and recording starts and stops (the second
 * the output started, so the same session gets the same id whoever sees it and when), and
 * `obs:<OBS_NAME>:<type>:at-<epoch ms>` (arrival) for everything else.
 */
export function toEvent(record: UpstreamRecord, options: MapOptions): MapResult {
  const value = record.value as ObsRecordValue | undefined;
  if (value === undefined || !isMappedEventType(value.eventType)) {
    return { ok: false, reason: "unknown_type", message: `unmapped OBS event ${value?.eventType}` };
  }
  const { eventType, context } = value;
  const parsed = eventDataSchemas[eventType].safeParse(value.eventData);
  if (!parsed.success) {
    return {
      ok: false,
      reason: "invalid_payload",
      message: `${eventType}: ${describeIssues(parsed.error)}`,
    };
  }
  const d = parsed.data as Data;
  const type = obsEventType(eventType, d, context);
  if (type === undefined) {
    return {
      ok: false,
      reason: "unknown_type",
      message: `${eventType} ${String(d["outputState"])} is not published`,
    };
  }
  const data = {
    ...mapData(eventType, d, context),
    ...(options.keepRaw ? { raw: value.eventData } : {}),
  };
  const sessionKey = SESSION_TYPES.has(type) && context.startMs !== undefined;
  const key = sessionKey
    ? `since-${Math.floor(context.startMs! / 1000)}`
    : `at-${context.receivedMs}`;
  return {
    ok: true,
    event: {
      id: `obs:${options.account}:${type}:${key}`,
      type,
      ...(context.time === undefined ? {} : { time: context.time }),
      data,
    },
  };
}

/** Types whose id is the output session (one start and one stop per session). */
const SESSION_TYPES = new Set([
  "obs.stream_started",
  "obs.stream_stopped",
  "obs.recording_started",
  "obs.recording_stopped",
]);

/**
 * The castbus type an OBS event becomes, or `undefined` when castbus publishes nothing for it:
 * intermediate output states (STARTING, STOPPING) and event types it does not map.
 */
export function obsEventType(
  eventType: string,
  d: Data,
  context: Pick<ObsContext, "startFailed">,
): string | undefined {
  const state = d["outputState"];
  switch (eventType as MappedEventType) {
    case "CurrentProgramSceneChanged":
      return "obs.scene_changed";
    case "SceneListChanged":
      return "obs.scene_list_changed";
    case "SceneItemEnableStateChanged":
      return "obs.source_visibility";
    case "InputMuteStateChanged":
      return "obs.input_mute_changed";
    case "StudioModeStateChanged":
      return "obs.studio_mode_changed";
    case "ReplayBufferSaved":
      return "obs.replay_buffer_saved";
    case "StreamStateChanged":
      if (state === OutputState.Stopped)
        return context.startFailed === true ? "obs.stream_start_failed" : "obs.stream_stopped";
      return (
        {
          [OutputState.Started]: "obs.stream_started",
          [OutputState.Reconnecting]: "obs.stream_reconnecting",
          [OutputState.Reconnected]: "obs.stream_reconnected",
        } as Record<string, string>
      )[String(state)];
    case "RecordStateChanged":
      return (
        {
          [OutputState.Started]: "obs.recording_started",
          [OutputState.Stopped]: "obs.recording_stopped",
          [OutputState.Paused]: "obs.recording_paused",
          [OutputState.Resumed]: "obs.recording_resumed",
        } as Record<string, string>
      )[String(state)];
    case "VirtualcamStateChanged":
      return (
        {
          [OutputState.Started]: "obs.virtualcam_started",
          [OutputState.Stopped]: "obs.virtualcam_stopped",
        } as Record<string, string>
      )[String(state)];
    default:
      return undefined;
  }
}

/** What an OBS event's data is to castbus: not mapped, mapped but malformed, or parsed. */
export type EventDataCheck =
  | { readonly kind: "unmapped" }
  | { readonly kind: "malformed" }
  | { readonly kind: "parsed"; readonly data: Data };

/** Checks an event's data against its type's schema, once per event. */
export function checkEventData(eventType: string, eventData: Data): EventDataCheck {
  if (!isMappedEventType(eventType)) return { kind: "unmapped" };
  const parsed = eventDataSchemas[eventType].safeParse(eventData);
  return parsed.success ? { kind: "parsed", data: parsed.data as Data } : { kind: "malformed" };
}

function mapData(eventType: MappedEventType, d: Data, ctx: ObsContext): Data {
  const inferred = ctx.inferred === true;
  const output = { outputState: d["outputState"], outputActive: d["outputActive"] };
  const startedAt =
    ctx.startMs === undefined ? {} : { startedAt: new Date(ctx.startMs).toISOString() };
  switch (eventType) {
    case "CurrentProgramSceneChanged":
      return { ...scene(d), previousScene: ctx.previousScene ?? null, inferred };
    case "SceneListChanged":
      return {
        scenes: (d["scenes"] as Data[]).map((s) => ({ ...scene(s), sceneIndex: s["sceneIndex"] })),
      };
    case "SceneItemEnableStateChanged":
      return {
        ...scene(d),
        sceneItemId: d["sceneItemId"],
        sourceName: ctx.sourceName ?? null,
        visible: d["sceneItemEnabled"],
      };
    case "InputMuteStateChanged":
      return {
        inputName: d["inputName"],
        ...optional("inputUuid", d["inputUuid"]),
        muted: d["inputMuted"],
      };
    case "StudioModeStateChanged":
      return { enabled: d["studioModeEnabled"] };
    case "ReplayBufferSaved":
      return { savedReplayPath: d["savedReplayPath"] };
    case "StreamStateChanged":
      return d["outputState"] === OutputState.Started || d["outputState"] === OutputState.Stopped
        ? { ...output, ...startedAt, ...(ctx.startFailed === true ? {} : { inferred }) }
        : { ...output, ...startedAt };
    case "RecordStateChanged": {
      const path = { outputPath: pathOf(d["outputPath"]) ?? ctx.outputPath ?? null };
      if (d["outputState"] === OutputState.Started || d["outputState"] === OutputState.Stopped)
        return { ...output, ...path, ...startedAt, inferred };
      return { ...output, ...path };
    }
    case "VirtualcamStateChanged":
      return output;
  }
}

function scene(d: Data): Data {
  return { sceneName: d["sceneName"], ...optional("sceneUuid", d["sceneUuid"]) };
}

function optional(key: string, value: unknown): Data {
  return typeof value === "string" && value !== "" ? { [key]: value } : {};
}

function pathOf(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}
