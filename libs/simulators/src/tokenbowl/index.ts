export { tokenbowlCommand } from "./cli.js";
export { parseTokenBowlFault } from "./faults.js";
export { ReplyError } from "./reply.js";
export { startTokenBowlSimulator } from "./server.js";
export { normalizeSince, pythonIsoUtc } from "./timestamps.js";
export { AVAILABLE_LOGOS } from "./wire.js";

export type { TokenBowlFault, TokenBowlFaultOptions } from "./faults.js";
export type { TokenBowlAccount, TokenBowlSimulatorOptions } from "./options.js";
export type { FieldIssue, Reply } from "./reply.js";
export type { TokenBowlRequest } from "./request-log.js";
export type { RegisterOptions, TokenBowlSimulator } from "./server.js";
export type { Role } from "./store.js";
export type { TokenBowlMessageType, TokenBowlPagination, TokenBowlWireMessage } from "./wire.js";
