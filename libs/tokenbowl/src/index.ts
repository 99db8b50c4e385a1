export { TOKENBOWL_PUBLIC_URL, TokenBowlClient } from "./client.js";
export {
  AuthenticationError,
  ConflictError,
  MalformedPageError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  ServerError,
  TokenBowlError,
  ValidationError,
  tokenBowlError,
} from "./errors.js";
export { wireError, wireMessage, wirePage, wireProfile } from "./upstream.js";
// Network failures and timeouts of the client are @castbus/http's.
export { NetworkError, TimeoutError } from "@castbus/http";

export type { PageParams, RawPage, TokenBowlClientOptions } from "./client.js";
export type { TokenBowlErrorFields } from "./errors.js";
export type {
  TokenBowlIssue,
  TokenBowlMessage,
  TokenBowlMessagePage,
  TokenBowlPagination,
  TokenBowlProfile,
} from "./upstream.js";
