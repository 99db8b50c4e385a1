export { resolveBroadcasters } from "./broadcasters.js";
export {
  MAX_SUBSCRIPTIONS_PER_SESSION,
  MAX_TOTAL_COST,
  enabledTypes,
  loadTwitchConfig,
  twitchEnvSchema,
} from "./config.js";
export { EventSubConnection, watchdogMs } from "./connection.js";
export { SessionLostError, TokenError } from "./errors.js";
export { Helix } from "./helix.js";
export { createTwitchIngester, eventSubUrl } from "./ingester.js";
export { planSubscriptions } from "./plan.js";
export { EventSubSession } from "./session.js";
export { TwitchSource } from "./source.js";
export { toEvent } from "./to-event.js";
export { Tokens } from "./tokens.js";
export { SUBSCRIPTIONS, SUBSCRIPTION_TYPES, isSubscriptionType } from "./upstream.js";

export type { TwitchConfig } from "./config.js";
export type { ConnectionEnd, IncomingFrame, SessionInfo } from "./connection.js";
export type { CreateRequest, CreateResult, HelixOptions, HelixUser } from "./helix.js";
export type { TwitchIngesterDeps } from "./ingester.js";
export type { PlannedSubscription, SkippedSubscription, SubscriptionPlan } from "./plan.js";
export type { EventSubSessionOptions } from "./session.js";
export type { TwitchSourceOptions } from "./source.js";
export type { MapOptions } from "./to-event.js";
export type { RefreshedTokens, TokenInfo, TokensOptions } from "./tokens.js";
export type { SubscriptionSpec, SubscriptionType } from "./upstream.js";
