/** What kind of failure an {@link HttpError} is; callers branch on this, not on classes. */
export type HttpErrorKind =
  "status" | "auth" | "rate_limit" | "server" | "network" | "timeout" | "body";

/**
 * Base of every error the HTTP client throws. `retryable` is decided here, where the failure is
 * understood: a retry with the same request can help (network, timeout, 429, most 5xx) or not.
 * Messages name the origin and path only — never the query string or a path with a credential
 * in it (callers pass a `redactedUrl` when the path holds one).
 */
export class HttpError extends Error {
  override readonly name: string = "HttpError";
  readonly kind: HttpErrorKind;
  readonly retryable: boolean;
  /** HTTP status, when a response arrived. */
  readonly status: number | undefined;
  /** How long the server asked us to wait (Retry-After), in ms. */
  readonly retryAfterMs: number | undefined;
  /** First 200 characters of the response body, for diagnostics. */
  readonly bodySnippet: string | undefined;

  constructor(
    message: string,
    fields: {
      kind: HttpErrorKind;
      retryable: boolean;
      status?: number;
      retryAfterMs?: number;
      bodySnippet?: string;
      cause?: unknown;
    },
  ) {
    super(message, fields.cause === undefined ? undefined : { cause: fields.cause });
    this.kind = fields.kind;
    this.retryable = fields.retryable;
    this.status = fields.status;
    this.retryAfterMs = fields.retryAfterMs;
    this.bodySnippet = fields.bodySnippet;
  }
}

/** 401/403: credentials are wrong or revoked. Not retryable. */
export class AuthError extends HttpError {
  override readonly name = "AuthError";
}

/** 429: too many requests; honour `retryAfterMs`. */
export class RateLimitError extends HttpError {
  override readonly name = "RateLimitError";
}

/** 5xx (including Cloudflare's 52x). Retryable except 501 and 505. */
export class ServerError extends HttpError {
  override readonly name = "ServerError";
}

/** Any other unexpected status (3xx — redirects are not followed — and 4xx). */
export class HttpStatusError extends HttpError {
  override readonly name = "HttpStatusError";
}

/** The connection failed: refused, reset, DNS, TLS. Retryable. */
export class NetworkError extends HttpError {
  override readonly name = "NetworkError";
}

/** No response (or no further body bytes) within the deadline. Retryable. */
export class TimeoutError extends HttpError {
  override readonly name = "TimeoutError";
}

/** The response body could not be read in full (truncated, too large, bad encoding). */
export class BodyError extends HttpError {
  override readonly name = "BodyError";
}

const NOT_RETRYABLE_5XX = new Set([501, 505]);

/** Maps a non-2xx status to its error class. */
export function errorForStatus(
  status: number,
  where: string,
  details: { retryAfterMs?: number; bodySnippet?: string },
): HttpError {
  const message = `${where} answered HTTP ${status}`;
  if (status === 401 || status === 403) {
    return new AuthError(message, { kind: "auth", retryable: false, status, ...details });
  }
  if (status === 429) {
    return new RateLimitError(message, { kind: "rate_limit", retryable: true, status, ...details });
  }
  if (status >= 500 && status <= 599) {
    const retryable = !NOT_RETRYABLE_5XX.has(status);
    return new ServerError(message, { kind: "server", retryable, status, ...details });
  }
  const retryable = status === 408 || status === 425;
  return new HttpStatusError(message, { kind: "status", retryable, status, ...details });
}
