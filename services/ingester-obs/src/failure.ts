import { FatalSourceError } from "@castbus/ingest";
import {
  ObsClosedError,
  ObsConnectError,
  ObsPasswordRequiredError,
  ObsRequestError,
  ObsTimeoutError,
} from "./errors.js";
import { CloseCode, RequestStatus } from "./upstream.js";

/** How the source treats the end of a session or a failed attempt. */
export interface Failure {
  /** `castbus_upstream_requests_total` outcome and the readiness reason's prefix. */
  readonly kind: string;
  /** Set when reconnecting cannot help: the source stops with this. */
  readonly fatal?: FatalSourceError;
  /** Log level of the first line about it (client bugs are errors). */
  readonly level: "warn" | "error";
}

/**
 * The reconnect policy (reference §3): retry while OBS is closed (refused), exiting (1001),
 * crashed (1006) or slow; stop on a wrong or missing password (4009), an incompatible server
 * (4010) and a kick (4011), which the protocol says a client must not answer by reconnecting.
 * Close codes that mean a client bug (4002–4008, 4012) are retried but logged as errors.
 */
export function classifyFailure(error: unknown): Failure {
  if (error instanceof ObsPasswordRequiredError) return fatal("auth", error.message, error);
  if (error instanceof ObsClosedError) return closed(error);
  if (error instanceof ObsConnectError) {
    if (error.kind === "ECONNREFUSED") return { kind: "refused", level: "warn" };
    if (error.kind === "ENOTFOUND" || error.kind === "EAI_AGAIN")
      return { kind: "dns", level: "warn" };
    if (error.kind === "protocol") return { kind: "protocol_error", level: "error" };
    return { kind: "network", level: "warn" };
  }
  if (error instanceof ObsTimeoutError) return { kind: "timeout", level: "warn" };
  if (error instanceof ObsRequestError) {
    return error.code === RequestStatus.NotReady
      ? { kind: "not_ready", level: "warn" }
      : { kind: "request_error", level: "error" };
  }
  return { kind: "error", level: "error" };
}

function closed(error: ObsClosedError): Failure {
  const said = `${error.code}${error.reason === "" ? "" : ` "${error.reason}"`}`;
  switch (error.code) {
    case CloseCode.AuthenticationFailed:
      return fatal(
        "auth",
        `OBS refused the password (close ${said}): set OBS_PASSWORD to the password under Tools → WebSocket Server Settings → Show Connect Info`,
        error,
      );
    case CloseCode.UnsupportedRpcVersion:
      return fatal(
        "unsupported",
        `OBS does not speak obs-websocket 5 RPC version 1 (close ${said}): OBS Studio 28 or later is needed`,
        error,
      );
    case CloseCode.SessionInvalidated:
      return fatal(
        "kicked",
        `OBS kicked this session (close ${said}); the protocol forbids reconnecting after a kick — restart the ingester to connect again`,
        error,
      );
    case 1001:
      return { kind: "closed", level: "warn" };
    case 1006:
      return { kind: "dropped", level: "warn" };
    default:
      return error.code >= 4002 && error.code <= 4012
        ? { kind: "protocol_error", level: "error" }
        : { kind: "closed", level: "warn" };
  }
}

function fatal(kind: string, message: string, cause: Error): Failure {
  return { kind, level: "error", fatal: new FatalSourceError(message, { kind, cause }) };
}
