export { Backoff } from "./backoff.js";
export { HttpClient, header } from "./client.js";
export { invalidUtf8Items, jsonArrayItemTexts } from "./json-items.js";
export {
  AuthError,
  BodyError,
  HttpError,
  HttpStatusError,
  NetworkError,
  RateLimitError,
  ServerError,
  TimeoutError,
  errorForStatus,
} from "./errors.js";
export { MAX_RETRY_AFTER_MS, parseRetryAfter } from "./retry-after.js";

export type { BackoffOptions } from "./backoff.js";
export type { HttpClientOptions, HttpRequest, HttpResponse } from "./client.js";
export type { HttpErrorKind } from "./errors.js";
