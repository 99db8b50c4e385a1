import { HttpError } from "@castbus/http";

/**
 * The upstream answered with a body that is not what its protocol promises (not JSON, wrong
 * shape). The runner dead-letters `raw` with `reason` and retries the same read.
 */
export class MalformedResponseError extends Error {
  override readonly name = "MalformedResponseError";
  readonly retryable = true;
  readonly raw: string | Uint8Array;
  readonly reason: string;

  constructor(message: string, fields: { raw: string | Uint8Array; reason: string }) {
    super(message);
    this.raw = fields.raw;
    this.reason = fields.reason;
  }
}

/** A failure no retry fixes (bad credentials, another process owns the cursor): the source stops. */
export class FatalSourceError extends Error {
  override readonly name = "FatalSourceError";
  readonly retryable = false;
  readonly kind: string;

  constructor(message: string, fields: { kind: string; cause?: unknown }) {
    super(message, fields.cause === undefined ? undefined : { cause: fields.cause });
    this.kind = fields.kind;
  }
}

/** How the runner treats an upstream failure. */
export interface FailureClass {
  /** `castbus_upstream_requests_total` outcome label. */
  readonly outcome: string;
  /** Stop the source (readiness false) instead of retrying. */
  readonly fatal: boolean;
  /** Server-requested wait, in ms. */
  readonly retryAfterMs?: number;
}

/** Classifies an error a source threw. Unknown errors are retried (and logged as errors). */
export function classifyFailure(error: unknown): FailureClass {
  if (error instanceof FatalSourceError) return { outcome: error.kind, fatal: true };
  if (error instanceof MalformedResponseError) return { outcome: "invalid_response", fatal: false };
  if (error instanceof HttpError) {
    const outcome = error.kind === "status" ? `http_${error.status ?? "error"}` : error.kind;
    return {
      outcome,
      fatal: error.kind === "auth",
      ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
    };
  }
  return { outcome: "error", fatal: false };
}
