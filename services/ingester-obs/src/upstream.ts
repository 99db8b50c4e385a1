import { createHash } from "node:crypto";
import { z } from "zod";

/**
 * The obs-websocket 5.x wire format as this ingester uses it (reference:
 * shared/reference/obs-websocket-v5.md). Lenient where versions differ (UUIDs from 5.4, extra
 * keys), strict where a consumer would be misled (a scene change without a scene name).
 */

export const JSON_SUBPROTOCOL = "obswebsocket.json";

/** `WebSocketOpCode`. */
export const OpCode = {
  Hello: 0,
  Identify: 1,
  Identified: 2,
  Event: 5,
  Request: 6,
  RequestResponse: 7,
} as const;

/** Close codes that decide the reconnect policy (reference §3). */
export const CloseCode = {
  AuthenticationFailed: 4009,
  UnsupportedRpcVersion: 4010,
  SessionInvalidated: 4011,
} as const;

/** `RequestStatus` codes the ingester reacts to. */
export const RequestStatus = {
  Success: 100,
  NotReady: 207,
  ResourceNotFound: 600,
  InvalidResourceType: 602,
} as const;

/**
 * General | Config | Scenes | Inputs | Outputs | SceneItems | Ui = 1231: what the mapped events
 * and the state tracking need, none of the high-volume bits.
 */
export const EVENT_SUBSCRIPTIONS = 1 | 2 | 4 | 8 | 64 | 128 | 1024;

/** The `outputState` values the ingester tells apart. */
export const OutputState = {
  Starting: "OBS_WEBSOCKET_OUTPUT_STARTING",
  Started: "OBS_WEBSOCKET_OUTPUT_STARTED",
  Stopping: "OBS_WEBSOCKET_OUTPUT_STOPPING",
  Stopped: "OBS_WEBSOCKET_OUTPUT_STOPPED",
  Reconnecting: "OBS_WEBSOCKET_OUTPUT_RECONNECTING",
  Reconnected: "OBS_WEBSOCKET_OUTPUT_RECONNECTED",
  Paused: "OBS_WEBSOCKET_OUTPUT_PAUSED",
  Resumed: "OBS_WEBSOCKET_OUTPUT_RESUMED",
} as const;

/** `base64(sha256(base64(sha256(password + salt)) + challenge))` (reference §2). */
export function authenticationString(password: string, salt: string, challenge: string): string {
  const hash = (text: string) => createHash("sha256").update(text, "utf8").digest("base64");
  return hash(hash(password + salt) + challenge);
}

/** Any server message: `{ op, d }`. */
export const frameSchema = z.looseObject({ op: z.number(), d: z.record(z.string(), z.unknown()) });

export const helloSchema = z.looseObject({
  obsWebSocketVersion: z.string(),
  rpcVersion: z.number(),
  obsStudioVersion: z.string().optional(),
  authentication: z.looseObject({ challenge: z.string(), salt: z.string() }).optional(),
});

export const eventSchema = z.looseObject({
  eventType: z.string().min(1),
  eventIntent: z.number().optional(),
  eventData: z.record(z.string(), z.unknown()).optional(),
});

export const responseSchema = z.looseObject({
  requestId: z.unknown(),
  requestType: z.string(),
  requestStatus: z.looseObject({
    result: z.boolean(),
    code: z.number(),
    comment: z.string().nullish(),
  }),
  responseData: z.record(z.string(), z.unknown()).nullish(),
});

/** A parsed Hello. */
export type Hello = z.output<typeof helloSchema>;

/**
 * Longest scene, source or input name accepted (characters). A scene change carries two names
 * (the new and the previous one), so a longer name could not travel within NATS's default 1 MiB
 * `max_payload`; it is dead-lettered instead of becoming the session's program scene.
 */
export const MAX_NAME_LENGTH = 512 * 1024;

const name = z.string().min(1).max(MAX_NAME_LENGTH);
const uuid = z.string().min(1).nullish();

/** `eventData` of every event type the ingester maps. */
export const eventDataSchemas = {
  CurrentProgramSceneChanged: z.looseObject({ sceneName: name, sceneUuid: uuid }),
  SceneListChanged: z.looseObject({
    scenes: z.array(
      z.looseObject({
        sceneName: name,
        sceneUuid: uuid,
        sceneIndex: z.number().int().nonnegative(),
      }),
    ),
  }),
  SceneItemEnableStateChanged: z.looseObject({
    sceneName: name,
    sceneUuid: uuid,
    sceneItemId: z.number().int().nonnegative(),
    sceneItemEnabled: z.boolean(),
  }),
  InputMuteStateChanged: z.looseObject({
    inputName: name,
    inputUuid: uuid,
    inputMuted: z.boolean(),
  }),
  StudioModeStateChanged: z.looseObject({ studioModeEnabled: z.boolean() }),
  StreamStateChanged: z.looseObject({ outputActive: z.boolean(), outputState: z.string().min(1) }),
  RecordStateChanged: z.looseObject({
    outputActive: z.boolean(),
    outputState: z.string().min(1),
    outputPath: z.string().nullish(),
  }),
  VirtualcamStateChanged: z.looseObject({
    outputActive: z.boolean(),
    outputState: z.string().min(1),
  }),
  ReplayBufferSaved: z.looseObject({ savedReplayPath: name }),
} as const;

/** An OBS event type the ingester publishes (after mapping). */
export type MappedEventType = keyof typeof eventDataSchemas;

/** Whether castbus publishes something for `eventType`. */
export function isMappedEventType(eventType: string): eventType is MappedEventType {
  return Object.hasOwn(eventDataSchemas, eventType);
}

/** Status responses the ingester seeds its state from. */
export const streamStatusSchema = z.looseObject({
  outputActive: z.boolean(),
  outputDuration: z.number().nonnegative().optional(),
});
export const recordStatusSchema = z.looseObject({
  outputActive: z.boolean(),
  outputPaused: z.boolean().optional(),
  outputDuration: z.number().nonnegative().optional(),
});
export const programSceneSchema = z.looseObject({ currentProgramSceneName: z.string().nullish() });
export const sceneItemListSchema = z.looseObject({
  sceneItems: z.array(z.looseObject({ sceneItemId: z.number(), sourceName: z.string() })),
});
