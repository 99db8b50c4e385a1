/**
 * A handler failed for an event. Carries which handler and which event, and whether a retry
 * may help: the worker naks retryable failures (redelivery with backoff) and dead-letters the
 * rest at once.
 */
export class HandlerError extends Error {
  override readonly name = "HandlerError";
  readonly handlerName: string;
  readonly eventType: string;
  readonly eventId: string;
  readonly retryable: boolean;

  constructor(fields: { handlerName: string; eventType: string; eventId: string; cause: unknown }) {
    const cause = fields.cause;
    const detail = cause instanceof Error ? cause.message : String(cause);
    super(`handler ${fields.handlerName} failed on ${fields.eventType}: ${detail}`, { cause });
    this.handlerName = fields.handlerName;
    this.eventType = fields.eventType;
    this.eventId = fields.eventId;
    // A handler says "do not retry" by throwing an error with `retryable: false`.
    this.retryable = (cause as { retryable?: unknown } | null)?.retryable !== false;
  }
}

/** A handler ran past its time limit (its `ctx.signal` was aborted). */
export class HandlerTimeoutError extends Error {
  override readonly name = "HandlerTimeoutError";
  readonly retryable = true;

  constructor(handlerName: string, timeoutMs: number) {
    super(`handler ${handlerName} did not finish within ${timeoutMs} ms`);
  }
}
