import { HttpError, parseRetryAfter, type HttpErrorKind } from "@castbus/http";
import { wireError, type TokenBowlIssue } from "./upstream.js";

/**
 * Token Bowl API errors, one class per status family as the Python client has them
 * (`AuthenticationError` 401, `NotFoundError` 404, `ConflictError` 409, `ValidationError` 422,
 * `RateLimitError` 429, `ServerError` 5xx), plus 403 and a base for the rest (400...). They
 * extend `HttpError`, so `retryable` and `kind` drive the ingest runner and the worker; network
 * failures and timeouts are `@castbus/http`'s `NetworkError` and `TimeoutError`.
 */
export class TokenBowlError extends HttpError {
  override readonly name: string = "TokenBowlError";
  /** The server's `detail` text (422 issues joined), or the start of a non-JSON body. */
  readonly detail: string | undefined;

  constructor(message: string, fields: TokenBowlErrorFields) {
    super(message, {
      kind: fields.kind,
      retryable: fields.retryable,
      status: fields.status,
      ...(fields.retryAfterMs === undefined ? {} : { retryAfterMs: fields.retryAfterMs }),
      ...(fields.detail === undefined ? {} : { bodySnippet: fields.detail }),
    });
    this.detail = fields.detail;
  }
}

/** What every {@link TokenBowlError} is built from. */
export interface TokenBowlErrorFields {
  readonly kind: HttpErrorKind;
  readonly retryable: boolean;
  readonly status: number;
  readonly detail?: string;
  readonly retryAfterMs?: number;
}

/** 401: the API key is missing, wrong or was rotated. Not retryable. */
export class AuthenticationError extends TokenBowlError {
  override readonly name = "AuthenticationError";
}

/** 403: the account's role lacks a permission (viewers send nothing, bots send no DMs). */
export class PermissionDeniedError extends TokenBowlError {
  override readonly name = "PermissionDeniedError";
}

/** 404: unknown recipient, message or route (a wrong `TOKENBOWL_URL`). */
export class NotFoundError extends TokenBowlError {
  override readonly name = "NotFoundError";
}

/** 409: e.g. a username that is taken. */
export class ConflictError extends TokenBowlError {
  override readonly name = "ConflictError";
}

/** 422: the request failed FastAPI validation; `issues` lists each field. */
export class ValidationError extends TokenBowlError {
  override readonly name = "ValidationError";
  readonly issues: readonly TokenBowlIssue[];

  constructor(
    message: string,
    fields: TokenBowlErrorFields & { issues: readonly TokenBowlIssue[] },
  ) {
    super(message, fields);
    this.issues = fields.issues;
  }
}

/** 429: never sent by the application itself, but a proxy may. Retryable after `retryAfterMs`. */
export class RateLimitError extends TokenBowlError {
  override readonly name = "RateLimitError";
}

/**
 * 5xx, including Starlette's plain-text `Internal Server Error` and nginx's HTML 503. On a send,
 * the message may have been stored before the failure (`maybeDelivered`), so it is not retryable.
 */
export class ServerError extends TokenBowlError {
  override readonly name = "ServerError";
  /** The request was a send that may have been stored despite the error. */
  readonly maybeDelivered: boolean;

  constructor(message: string, fields: TokenBowlErrorFields & { maybeDelivered: boolean }) {
    super(message, fields);
    this.maybeDelivered = fields.maybeDelivered;
  }
}

const NOT_RETRYABLE_5XX = new Set([501, 505]);

/**
 * The typed error for a non-2xx answer. `send` marks a `POST /messages`, where a 5xx may have
 * stored the message: retrying could post it twice, so it is reported, not retried.
 */
export function tokenBowlError(
  status: number,
  where: string,
  response: { body: Buffer; retryAfter: string | undefined },
  options: { send?: boolean } = {},
): TokenBowlError {
  const { detail, issues } = readDetail(response.body);
  const message = `${where} answered HTTP ${status}${detail === undefined ? "" : `: ${detail}`}`;
  const base = { status, ...(detail === undefined ? {} : { detail }) };
  if (status === 401)
    return new AuthenticationError(message, { ...base, kind: "auth", retryable: false });
  if (status === 403)
    return new PermissionDeniedError(message, { ...base, kind: "auth", retryable: false });
  if (status === 404)
    return new NotFoundError(message, { ...base, kind: "status", retryable: false });
  if (status === 409)
    return new ConflictError(message, { ...base, kind: "status", retryable: false });
  if (status === 422) {
    return new ValidationError(message, { ...base, kind: "status", retryable: false, issues });
  }
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(response.retryAfter);
    return new RateLimitError(message, {
      ...base,
      kind: "rate_limit",
      retryable: true,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  }
  if (status >= 500 && status <= 599) {
    const send = options.send === true;
    const retryable = !send && !NOT_RETRYABLE_5XX.has(status);
    return new ServerError(message, { ...base, kind: "server", retryable, maybeDelivered: send });
  }
  const retryable = status === 408 || status === 425;
  return new TokenBowlError(message, { ...base, kind: "status", retryable });
}

/** FastAPI's `detail` (text, or issues joined), else the first line of a plain-text body. */
function readDetail(body: Buffer): { detail?: string; issues: TokenBowlIssue[] } {
  const text = body.toString("utf8");
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    const line = text
      .replace(/<[^>]*>/g, " ")
      .replace(/\s+/g, " ")
      .trim()
      .slice(0, 200);
    return line === "" ? { issues: [] } : { detail: line, issues: [] };
  }
  const error = wireError.safeParse(parsed);
  if (!error.success) return { issues: [] };
  if (typeof error.data.detail === "string")
    return { detail: error.data.detail.slice(0, 500), issues: [] };
  const issues = error.data.detail.map((i) => ({ loc: i.loc, msg: i.msg, type: i.type }));
  const detail = issues.map((i) => `${i.loc.join(".")}: ${i.msg}`).join("; ");
  return { detail: detail.slice(0, 500), issues };
}

/**
 * A response body that is not what the API promises (not JSON, not a message page). Carries the
 * body so an ingester can dead-letter it; retrying the same read may help.
 */
export class MalformedPageError extends HttpError {
  override readonly name = "MalformedPageError";
  readonly raw: Buffer;
  readonly reason: "invalid_json" | "invalid_response";

  constructor(
    message: string,
    fields: { raw: Buffer; reason: "invalid_json" | "invalid_response" },
  ) {
    super(message, { kind: "body", retryable: true });
    this.raw = fields.raw;
    this.reason = fields.reason;
  }
}
