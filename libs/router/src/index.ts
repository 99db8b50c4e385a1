export { workerDeadLetter } from "./consumer/dead-letter.js";
export { emitterFor } from "./consumer/emitter.js";
export { processDelivery } from "./consumer/processor.js";
export { DEFAULT_SETTINGS, backoffFor, parseStartAt } from "./consumer/settings.js";
export { subscribe } from "./consumer/subscribe.js";
export { HandlerError, HandlerTimeoutError } from "./errors.js";
export { KNOWN_BOTS, cooldown, fromRoles, minAmount, notBot, rolesOf } from "./filters.js";
export { compilePattern } from "./pattern.js";
export { EventRouter } from "./router.js";

export type { WorkerDeadLetterReason } from "./consumer/dead-letter.js";
export type { ProcessorDeps } from "./consumer/processor.js";
export type { ConsumerSettings, StartAt } from "./consumer/settings.js";
export type { SubscribeOptions, Subscription } from "./consumer/subscribe.js";
export type { HandlerModule, SetupLogger, WorkerSetup } from "./module.js";
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
