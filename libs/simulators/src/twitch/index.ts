export { ALL_SCOPES, twitchCommand } from "./cli.js";
export { TWITCH_ENDPOINTS, parseFault } from "./faults.js";
export { TYPE_WEIGHTS } from "./generator.js";
export { startTwitchSimulator } from "./server.js";
export {
  CLOSE_REASONS,
  CLOSE_STATUS,
  REVOCATION_STATUSES,
  SUBSCRIPTION_TYPES,
  TWITCH_SUBSCRIPTION_TYPES,
  isSubscriptionType,
  nanoTimestamp,
} from "./wire.js";

export type { ConnectionInfo } from "./connection.js";
export type { SimClient, SimTokenInit, SimUser, SimUserInit } from "./directory.js";
export type { TwitchEndpoint, TwitchFault, TwitchFaultOptions } from "./faults.js";
export type { TwitchRequest } from "./http.js";
export type { EmitOptions, RevokeOptions, SentMessage } from "./notifier.js";
export type { TwitchSimulatorOptions } from "./options.js";
export type { IssuedToken, TwitchSimulator } from "./server.js";
export type { SessionFilter } from "./sessions.js";
export type {
  RevocationStatus,
  SubscriptionTypeSpec,
  WireMessage,
  WireSession,
  WireSubscription,
} from "./wire.js";
