export { HandlerError, HandlerTimeoutError } from "./errors.js";
export { compilePattern } from "./pattern.js";
export { EventRouter } from "./router.js";

export type { Matcher } from "./pattern.js";
export type { DispatchContext, DispatchResult, HandlerDefinition } from "./router.js";
export type {
  EventFor,
  Filter,
  Handler,
  HandlerContext,
  HandlerLogger,
  HandlerOptions,
  HandlerStats,
  Services,
  TypesMatching,
} from "./types.js";
