export { loadObsConfig, obsEnvSchema } from "./config.js";
export { ObsConnection } from "./connection.js";
export {
  ObsClosedError,
  ObsConnectError,
  ObsPasswordRequiredError,
  ObsRequestError,
  ObsTimeoutError,
} from "./errors.js";
export { classifyFailure } from "./failure.js";
export { createObsIngester } from "./ingester.js";
export { reconcile } from "./reconcile.js";
export { ObsSource } from "./source.js";
export { checkEventData, obsEventType, toEvent } from "./to-event.js";
export { EVENT_SUBSCRIPTIONS, authenticationString } from "./upstream.js";

export type { ObsConfig } from "./config.js";
export type { ConnectionOptions, ObsEventFrame } from "./connection.js";
export type { Failure } from "./failure.js";
export type { ObsIngesterDeps } from "./ingester.js";
export type { OutputSnapshot, ReconcileOptions, Snapshot } from "./reconcile.js";
export type { ObsSourceOptions } from "./source.js";
export type { EventDataCheck, MapOptions, ObsContext, ObsRecordValue } from "./to-event.js";
