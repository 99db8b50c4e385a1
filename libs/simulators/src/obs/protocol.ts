import { createHash } from "node:crypto";

/**
 * obs-websocket 5.x wire constants, as the real server uses them (reference:
 * shared/reference/obs-websocket-v5.md §1.3–§6). Names, numbers and reason strings are exact.
 */

/** The two subprotocols; the fake selects the first one it supports in the client's order. */
export const JSON_SUBPROTOCOL = "obswebsocket.json";
export const MSGPACK_SUBPROTOCOL = "obswebsocket.msgpack";

/** `WebSocketOpCode`. There is no op 4. */
export const OpCode = {
  Hello: 0,
  Identify: 1,
  Identified: 2,
  Reidentify: 3,
  Event: 5,
  Request: 6,
  RequestResponse: 7,
  RequestBatch: 8,
  RequestBatchResponse: 9,
} as const;

/** `WebSocketCloseCode`, plus the standard codes a client sees. */
export const CloseCode = {
  ServerStopping: 1001,
  MessageDecodeError: 4002,
  MissingDataField: 4003,
  InvalidDataFieldType: 4004,
  InvalidDataFieldValue: 4005,
  UnknownOpCode: 4006,
  NotIdentified: 4007,
  AlreadyIdentified: 4008,
  AuthenticationFailed: 4009,
  UnsupportedRpcVersion: 4010,
  SessionInvalidated: 4011,
  UnsupportedFeature: 4012,
} as const;

/** The exact close reasons of the real server (`WebSocketServer_Protocol.cpp`). */
export const CloseReason = {
  serverStopping: "Server stopping.",
  nonObject: "You sent a non-object payload.",
  binaryOnJson: "Your session encoding is set to Json, but a binary message was received.",
  legacyClient:
    "You appear to be attempting to connect with the pre-5.0.0 plugin protocol. Check to make sure your client is updated.",
  missingOp: "Your request is missing an `op`.",
  opNotNumber: "Your `op` is not a number.",
  missingData: "Your payload is missing data (`d`).",
  dataNotObject: "Your payload's data (`d`) is not an object.",
  notIdentified: "You attempted to send a non-Identify message while not identified.",
  alreadyIdentified: "You are already Identified with the obs-websocket server.",
  authMissing:
    "Your payload's data is missing an `authentication` string, however authentication is required.",
  authNotString: "Your `authentication` field is not a string.",
  authFailed: "Authentication failed.",
  rpcMissing: "Your payload's data is missing an `rpcVersion`.",
  rpcNotUnsigned: "Your `rpcVersion` is not an unsigned number.",
  rpcUnsupported: "Your requested RPC version is not supported by this server.",
  subscriptionsNotUnsigned: "Your `eventSubscriptions` is not an unsigned number.",
  requestIdMissing: "Your payload data is missing a `requestId`.",
  requestTypeMissing: "Your payload's data is missing an `requestType`.",
  requestTypeNotString: "Your `requestType` is not a string.",
  executionTypeNotNumber: "Your `executionType` is not a number.",
  executionTypeInvalid: "Your `executionType` has an invalid value.",
  haltNotBool: "Your `haltOnFailure` is not a boolean.",
  requestsMissing: "Your payload's data is missing an `requests`.",
  requestsNotArray: "Your `requests` is not an array.",
  kicked: "Your session has been invalidated.",
} as const;

/** `EventSubscription` bits; `eventIntent` of an event is exactly one of these. */
export const EventSubscription = {
  None: 0,
  General: 1 << 0,
  Config: 1 << 1,
  Scenes: 1 << 2,
  Inputs: 1 << 3,
  Transitions: 1 << 4,
  Filters: 1 << 5,
  Outputs: 1 << 6,
  SceneItems: 1 << 7,
  MediaInputs: 1 << 8,
  Vendors: 1 << 9,
  Ui: 1 << 10,
  Canvases: 1 << 11,
} as const;

/** `RequestStatus` codes the fake answers with. */
export const RequestStatus = {
  Success: 100,
  MissingRequestType: 203,
  UnknownRequestType: 204,
  GenericError: 205,
  UnsupportedRequestBatchExecutionType: 206,
  NotReady: 207,
  MissingRequestField: 300,
  InvalidRequestFieldType: 401,
  RequestFieldOutOfRange: 402,
  OutputRunning: 500,
  OutputNotRunning: 501,
  OutputPaused: 502,
  OutputNotPaused: 503,
  StudioModeNotActive: 506,
  ResourceNotFound: 600,
  InvalidResourceType: 602,
  InvalidResourceState: 604,
} as const;

/** `ObsOutputState` as serialised in `outputState`. */
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

/** One `outputState` value. */
export type OutputStateName = (typeof OutputState)[keyof typeof OutputState];

/** `outputActive` is computed from the state: true only for STARTED, RESUMED and RECONNECTED. */
export function isActiveState(state: OutputStateName): boolean {
  return (
    state === OutputState.Started ||
    state === OutputState.Resumed ||
    state === OutputState.Reconnected
  );
}

/** The comment every request gets while OBS is not ready (5.3+). */
export const NOT_READY_COMMENT = "OBS is not ready to perform the request.";

/**
 * The authentication string: `base64(sha256(base64(sha256(password + salt)) + challenge))`
 * (reference §2). The same function a client uses; the server compares strings exactly.
 */
export function authenticationString(password: string, salt: string, challenge: string): string {
  const hash = (text: string) => createHash("sha256").update(text, "utf8").digest("base64");
  return hash(hash(password + salt) + challenge);
}

/**
 * Serialises like the real server (nlohmann::json over std::map): keys in alphabetical order at
 * every level and no whitespace, so clients that depend on key order are caught.
 */
export function encodeJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== "object") return value;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries.map(([k, v]) => [k, sortKeys(v)]));
}
