/**
 * Why an obs-websocket session ended or could not start. Each says whether reconnecting can
 * help; the source turns the ones that cannot into a `FatalSourceError`.
 */

/** The socket closed (by OBS, or the network: 1006). `code` decides what happens next. */
export class ObsClosedError extends Error {
  override readonly name = "ObsClosedError";

  constructor(
    readonly code: number,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(
      `obs-websocket closed the connection: ${code}${reason === "" ? "" : ` ${reason}`}`,
      options,
    );
  }
}

/** The connection could not be opened (refused, DNS, handshake refused). */
export class ObsConnectError extends Error {
  override readonly name = "ObsConnectError";

  constructor(
    message: string,
    /** `ECONNREFUSED`, `ENOTFOUND`, ..., or `handshake`. */
    readonly kind: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** OBS did not answer in time: Hello, Identified, a request, or a ping. */
export class ObsTimeoutError extends Error {
  override readonly name = "ObsTimeoutError";

  constructor(
    /** `hello`, `identify`, `ping`, or the request type. */
    readonly waitingFor: string,
    readonly timeoutMs: number,
  ) {
    super(`obs-websocket did not answer ${waitingFor} within ${timeoutMs} ms`);
  }
}

/** A request OBS answered with a failed `requestStatus`. */
export class ObsRequestError extends Error {
  override readonly name = "ObsRequestError";

  constructor(
    readonly requestType: string,
    readonly code: number,
    readonly comment: string,
  ) {
    super(`${requestType} failed with ${code}${comment === "" ? "" : `: ${comment}`}`);
  }
}

/** OBS asks for a password and OBS_PASSWORD is not set (no Identify is sent). */
export class ObsPasswordRequiredError extends Error {
  override readonly name = "ObsPasswordRequiredError";

  constructor() {
    super(
      "OBS requires a password and OBS_PASSWORD is not set (OBS: Tools → WebSocket Server Settings → Show Connect Info)",
    );
  }
}
