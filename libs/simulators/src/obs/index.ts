export { obsCommand } from "./cli.js";
export { OBS_CONTROL_PREFIX } from "./control.js";
export { startObsDemo } from "./demo.js";
export { ObsRequestError, ObsSimulatorConfigError } from "./errors.js";
export { DEFAULT_SCENES, featuresOf, resolveObsOptions } from "./options.js";
export {
  CloseCode,
  CloseReason,
  EventSubscription,
  JSON_SUBPROTOCOL,
  MSGPACK_SUBPROTOCOL,
  OpCode,
  OutputState,
  RequestStatus,
  authenticationString,
} from "./protocol.js";
export { startObsSimulator } from "./server.js";

export type { ObsDemo } from "./demo.js";
export type { ObsFault } from "./endpoint.js";
export type { ObsFeatures, ObsItemSpec, ObsSceneSpec, ObsSimulatorOptions } from "./options.js";
export type { OutputStateName } from "./protocol.js";
export type { ObsEventRecord, ObsSimulator } from "./server.js";
export type { ObsConnectionRecord } from "./session.js";
