export {
  InvalidInputError,
  SimulatorConfigError,
  UnknownAccountError,
} from "./chaturbate/errors.js";
export { parseFault } from "./chaturbate/faults.js";
export { startChaturbateSimulator } from "./chaturbate/server.js";
export { CHATURBATE_METHODS, isChaturbateMethod } from "./chaturbate/wire.js";

export type { ChaturbateFault, FaultOptions } from "./chaturbate/faults.js";
export type { FeedEntry } from "./chaturbate/feed.js";
export type { ChaturbateSimulatorOptions } from "./chaturbate/options.js";
export type { SimulatedRequest } from "./chaturbate/request-log.js";
export type { ChaturbateSimulator } from "./chaturbate/server.js";
export type {
  ChaturbateMethod,
  WireEvent,
  WireMedia,
  WireMessage,
  WireObject,
  WireTip,
  WireUser,
} from "./chaturbate/wire.js";
