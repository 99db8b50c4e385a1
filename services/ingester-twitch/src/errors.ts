/**
 * The user access token is unusable and cannot be refreshed (revoked, expired without a
 * refresh token, an app token, another client's token). Nothing but new credentials helps, so
 * every broadcaster of the process stops with readiness failing and this message.
 */
export class TokenError extends Error {
  override readonly name = "TokenError";
  readonly retryable = false;
  readonly kind = "auth";
}

/** The EventSub session ended; `outcome` is its `castbus_upstream_requests_total` label. */
export class SessionLostError extends Error {
  override readonly name = "SessionLostError";
  readonly retryable = true;

  constructor(
    message: string,
    /** e.g. `close_4003`, `keepalive_timeout`, `connect_failed`. */
    readonly outcome: string,
  ) {
    super(message);
  }
}
