import { ObsRequestError } from "./errors.js";
import type { ResolvedObsOptions } from "./options.js";
import type { OutputName, Outputs } from "./outputs.js";
import { EventSubscription, RequestStatus } from "./protocol.js";
import { notAScene, sceneRef, type EmitEvent, type Scene, type SceneGraph } from "./scene-graph.js";

/** What request handlers act on. */
export interface RequestContext {
  readonly graph: SceneGraph;
  readonly outputs: Outputs;
  readonly options: ResolvedObsOptions;
  readonly emit: EmitEvent;
  /** Whether studio-mode toggles repeat CurrentProgramSceneChanged (a reported quirk). */
  readonly duplicateProgramEventOnStudioToggle: () => boolean;
}

type Data = Record<string, unknown>;
type Handler = (ctx: RequestContext, data: Data) => Data | undefined;

/**
 * The requests the fake answers, with the real response fields and error codes (reference §6).
 * A handler returns `responseData` (undefined: none) or throws {@link ObsRequestError}.
 */
const HANDLERS: Readonly<Record<string, Handler>> = {
  GetVersion: (ctx) => ({
    obsVersion: ctx.options.obsStudioVersion,
    obsWebSocketVersion: ctx.options.obsWebSocketVersion,
    rpcVersion: 1,
    availableRequests: availableRequests(ctx),
    supportedImageFormats: ["bmp", "jpeg", "jpg", "png"],
    platform: "ubuntu",
    platformDescription: "Ubuntu 24.04 LTS (castbus simulator)",
  }),
  GetCurrentProgramScene: (ctx) => programScene(ctx),
  SetCurrentProgramScene: (ctx, d) => void ctx.graph.setProgramScene(sceneArg(ctx, d).name),
  GetCurrentPreviewScene: (ctx) => {
    const preview = ctx.graph.previewScene;
    if (preview === null)
      throw new ObsRequestError(RequestStatus.StudioModeNotActive, "Studio mode is not active.");
    return { currentPreviewSceneName: preview.name, currentPreviewSceneUuid: preview.uuid };
  },
  GetSceneList: (ctx) => ({
    currentProgramSceneName: ctx.graph.programScene.name,
    currentProgramSceneUuid: ctx.graph.programScene.uuid,
    currentPreviewSceneName: ctx.graph.previewScene?.name ?? null,
    currentPreviewSceneUuid: ctx.graph.previewScene?.uuid ?? null,
    scenes: ctx.graph.sceneList(),
  }),
  GetSceneItemList: (ctx, d) => ({ sceneItems: itemList(sceneArg(ctx, d, false)) }),
  GetGroupSceneItemList: (ctx, d) => ({ sceneItems: itemList(sceneArg(ctx, d, true)) }),
  GetSceneItemId: (ctx, d) => ({
    sceneItemId: ctx.graph.item(sceneArg(ctx, d).name, text(d, "sourceName")).id,
  }),
  GetSceneItemSource: (ctx, d) => {
    if (!ctx.options.features.sceneItemSource) throw unknownRequest();
    const item = ctx.graph.item(sceneArg(ctx, d, false).name, itemId(d));
    return { sourceName: item.sourceName, sourceUuid: item.sourceUuid };
  },
  GetSceneItemEnabled: (ctx, d) => ({
    sceneItemEnabled: ctx.graph.item(sceneArg(ctx, d).name, itemId(d)).enabled,
  }),
  SetSceneItemEnabled: (ctx, d) =>
    void ctx.graph.setItemEnabled(sceneArg(ctx, d).name, itemId(d), bool(d, "sceneItemEnabled")),
  CreateScene: (ctx, d) => {
    ctx.graph.createScene(text(d, "sceneName"));
    return { sceneUuid: ctx.graph.scene(text(d, "sceneName")).uuid };
  },
  RemoveScene: (ctx, d) => void ctx.graph.removeScene(sceneArg(ctx, d).name),
  SetSceneName: (ctx, d) =>
    void ctx.graph.renameScene(sceneArg(ctx, d).name, text(d, "newSceneName")),
  GetInputMute: (ctx, d) => ({ inputMuted: ctx.graph.input(text(d, "inputName")).muted }),
  SetInputMute: (ctx, d) =>
    void ctx.graph.setInputMute(text(d, "inputName"), bool(d, "inputMuted")),
  ToggleInputMute: (ctx, d) => {
    const input = ctx.graph.input(text(d, "inputName"));
    ctx.graph.setInputMute(input.name, !input.muted);
    return { inputMuted: input.muted };
  },
  GetStudioModeEnabled: (ctx) => ({ studioModeEnabled: ctx.graph.studioMode }),
  SetStudioModeEnabled: (ctx, d) =>
    void ctx.graph.setStudioMode(
      bool(d, "studioModeEnabled"),
      ctx.duplicateProgramEventOnStudioToggle(),
    ),
  GetStreamStatus: (ctx) => ctx.outputs.streamStatus(),
  StartStream: (ctx) => background(ctx, "stream", "start"),
  StopStream: (ctx) => background(ctx, "stream", "stop"),
  ToggleStream: (ctx) => {
    const active = ctx.outputs.running("stream");
    background(ctx, "stream", active ? "stop" : "start");
    return { outputActive: !active };
  },
  GetRecordStatus: (ctx) => ctx.outputs.recordStatus(),
  StartRecord: (ctx) => background(ctx, "record", "start"),
  StopRecord: (ctx) => {
    const path = ctx.outputs.recordingPath;
    background(ctx, "record", "stop");
    return { outputPath: path };
  },
  PauseRecord: (ctx) => void ctx.outputs.pauseRecording(),
  ResumeRecord: (ctx) => void ctx.outputs.resumeRecording(),
  GetReplayBufferStatus: (ctx) => ctx.outputs.activeStatus("replay"),
  StartReplayBuffer: (ctx) => background(ctx, "replay", "start"),
  StopReplayBuffer: (ctx) => background(ctx, "replay", "stop"),
  SaveReplayBuffer: (ctx) => void ctx.outputs.saveReplay(),
  GetVirtualCamStatus: (ctx) => ctx.outputs.activeStatus("virtualcam"),
  StartVirtualCam: (ctx) => background(ctx, "virtualcam", "start"),
  StopVirtualCam: (ctx) => background(ctx, "virtualcam", "stop"),
  BroadcastCustomEvent: (ctx, d) => {
    const eventData = d["eventData"];
    if (typeof eventData !== "object" || eventData === null || Array.isArray(eventData))
      throw missingField("eventData");
    ctx.emit("CustomEvent", EventSubscription.General, eventData as Data);
    return undefined;
  },
  Sleep: () => {
    throw new ObsRequestError(
      RequestStatus.UnsupportedRequestBatchExecutionType,
      "Sleep can only be used in a request batch.",
    );
  },
};

/**
 * Answers one request: `{ code, comment?, responseData? }`. Unknown types get 204, an empty type
 * 203, like the real server.
 */
export function handleRequest(
  ctx: RequestContext,
  requestType: string,
  requestData: unknown,
): { code: number; comment?: string; responseData?: Data } {
  if (requestType === "")
    return {
      code: RequestStatus.MissingRequestType,
      comment: "Your request is missing a `requestType`.",
    };
  const handler = Object.hasOwn(HANDLERS, requestType) ? HANDLERS[requestType] : undefined;
  if (handler === undefined) return failure(unknownRequest());
  const data =
    typeof requestData === "object" && requestData !== null && !Array.isArray(requestData)
      ? (requestData as Data)
      : {};
  try {
    const responseData = handler(ctx, data);
    return responseData === undefined
      ? { code: RequestStatus.Success }
      : { code: RequestStatus.Success, responseData: withoutUuids(ctx, responseData) };
  } catch (error) {
    if (error instanceof ObsRequestError) return failure(error);
    throw error;
  }
}

/** Drops UUID fields for versions before 5.4, which did not have them. */
export function withoutUuids(ctx: { options: ResolvedObsOptions }, data: Data): Data {
  if (ctx.options.features.uuids) return data;
  const strip = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(strip);
    if (value === null || typeof value !== "object") return value;
    return Object.fromEntries(
      Object.entries(value as Data)
        .filter(([key]) => !/Uuid$/.test(key))
        .map(([key, v]) => [key, strip(v)]),
    );
  };
  return strip(data) as Data;
}

function failure(error: ObsRequestError): { code: number; comment: string } {
  return { code: error.code, comment: error.comment };
}

function unknownRequest(): ObsRequestError {
  return new ObsRequestError(RequestStatus.UnknownRequestType, "Your request type is not valid.");
}

function availableRequests(ctx: RequestContext): string[] {
  return Object.keys(HANDLERS).filter(
    (type) => type !== "GetSceneItemSource" || ctx.options.features.sceneItemSource,
  );
}

/** 5.0–5.3 answer only `currentProgramSceneName`; 5.4+ add `sceneName` and the UUIDs. */
function programScene(ctx: RequestContext): Data {
  const scene = ctx.graph.programScene;
  if (!ctx.options.features.uuids) return { currentProgramSceneName: scene.name };
  return {
    ...sceneRef(scene),
    currentProgramSceneName: scene.name,
    currentProgramSceneUuid: scene.uuid,
  };
}

/** Starts or stops an output; the state sequence runs on after the response, as in OBS. */
function background(ctx: RequestContext, name: OutputName, action: "start" | "stop"): undefined {
  const done = action === "start" ? ctx.outputs.start(name) : ctx.outputs.stop(name);
  done.catch(() => undefined);
  return undefined;
}

/** The scene a request names by `sceneName` or `sceneUuid`; `group` checks scene vs group. */
function sceneArg(ctx: RequestContext, d: Data, group?: boolean): Scene {
  const name = d["sceneName"];
  const uuid = ctx.options.features.uuids ? d["sceneUuid"] : undefined;
  let scene: Scene | undefined;
  if (typeof name === "string" && name !== "") scene = ctx.graph.scene(name);
  else if (typeof uuid === "string") {
    scene = [...ctx.graph.scenes()].find((s) => s.uuid === uuid);
    if (scene === undefined)
      throw new ObsRequestError(
        RequestStatus.ResourceNotFound,
        `No source was found by the UUID of \`${uuid}\`.`,
      );
  } else {
    throw new ObsRequestError(
      RequestStatus.MissingRequestField,
      ctx.options.features.uuids
        ? "Your request must contain at least one of the following fields: `sceneName` or `sceneUuid`."
        : "Your request is missing the `sceneName` field.",
    );
  }
  if (group !== undefined && scene.isGroup !== group) throw notAScene(scene.isGroup);
  return scene;
}

function itemList(scene: Scene): Data[] {
  return scene.items.map((item, index) => ({
    inputKind: item.inputKind,
    isGroup: item.isGroup ? true : null,
    sceneItemBlendMode: "OBS_BLEND_NORMAL",
    sceneItemEnabled: item.enabled,
    sceneItemId: item.id,
    sceneItemIndex: index,
    sceneItemLocked: false,
    sceneItemTransform: TRANSFORM,
    sourceName: item.sourceName,
    sourceType: item.isGroup ? "OBS_SOURCE_TYPE_SCENE" : "OBS_SOURCE_TYPE_INPUT",
    sourceUuid: item.sourceUuid,
  }));
}

const TRANSFORM = {
  alignment: 5,
  boundsAlignment: 0,
  boundsHeight: 0,
  boundsType: "OBS_BOUNDS_NONE",
  boundsWidth: 0,
  cropBottom: 0,
  cropLeft: 0,
  cropRight: 0,
  cropToBounds: false,
  cropTop: 0,
  height: 1080,
  positionX: 0,
  positionY: 0,
  rotation: 0,
  scaleX: 1,
  scaleY: 1,
  sourceHeight: 1080,
  sourceWidth: 1920,
  width: 1920,
};

function missingField(name: string): ObsRequestError {
  return new ObsRequestError(
    RequestStatus.MissingRequestField,
    `Your request is missing the \`${name}\` field.`,
  );
}

function text(d: Data, name: string): string {
  const value = d[name];
  if (value === undefined) throw missingField(name);
  if (typeof value !== "string")
    throw new ObsRequestError(
      RequestStatus.InvalidRequestFieldType,
      `The field value of \`${name}\` must be a string.`,
    );
  return value;
}

function bool(d: Data, name: string): boolean {
  const value = d[name];
  if (value === undefined) throw missingField(name);
  if (typeof value !== "boolean")
    throw new ObsRequestError(
      RequestStatus.InvalidRequestFieldType,
      `The field value of \`${name}\` must be boolean.`,
    );
  return value;
}

function itemId(d: Data): number {
  const value = d["sceneItemId"];
  if (value === undefined) throw missingField("sceneItemId");
  if (typeof value !== "number" || !Number.isInteger(value))
    throw new ObsRequestError(
      RequestStatus.InvalidRequestFieldType,
      "The field value of `sceneItemId` must be a number.",
    );
  if (value < 0)
    throw new ObsRequestError(
      RequestStatus.RequestFieldOutOfRange,
      "The field value of `sceneItemId` is below the minimum of `0`",
    );
  return value;
}
