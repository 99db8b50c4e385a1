export { readAccountsFile } from "./accounts.js";
export {
  chaturbateEnvSchema,
  configuredAccounts,
  feedBaseUrl,
  loadChaturbateConfig,
} from "./config.js";
export { FeedUrls, PRODUCTION_BASE_URL, TESTBED_BASE_URL } from "./feed-url.js";
export { createChaturbateIngester } from "./ingester.js";
export { ChaturbateSource } from "./source.js";
export { timeFromId, toEvent } from "./to-event.js";
export { METHOD_TYPES, isMethod } from "./upstream.js";

export type { Account } from "./accounts.js";
export type { ChaturbateConfig } from "./config.js";
export type { ChaturbateIngesterDeps } from "./ingester.js";
export type { ChaturbateCursor, ChaturbateSourceOptions } from "./source.js";
export type { MapOptions } from "./to-event.js";
