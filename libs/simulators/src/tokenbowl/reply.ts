import type { ServerResponse } from "node:http";

/**
 * One answer, built before it is written so a fault can replace or damage it (an `after` fault
 * lets a request take effect and then swaps its answer; `malformed` cuts the real body).
 */
export interface Reply {
  readonly status: number;
  /** The body text (or bytes, which need not be UTF-8); empty for 204. */
  readonly body: string | Uint8Array;
  /** Default `application/json`, as FastAPI's JSONResponse sends. */
  readonly contentType?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** A FastAPI/pydantic validation issue, one entry of a 422 `detail` list. */
export interface FieldIssue {
  readonly type: string;
  readonly loc: readonly (string | number)[];
  readonly msg: string;
  readonly input: unknown;
  readonly ctx?: Readonly<Record<string, unknown>>;
}

/** Thrown by a handler to answer with `reply` at once (the HTTPException of FastAPI). */
export class ReplyError extends Error {
  override readonly name = "ReplyError";

  constructor(readonly reply: Reply) {
    super(`HTTP ${reply.status}: ${Buffer.from(reply.body).toString("utf8", 0, 200)}`);
  }
}

/** A JSON answer. */
export function json(
  status: number,
  value: unknown,
  headers: Readonly<Record<string, string>> = {},
): Reply {
  return { status, body: JSON.stringify(value), headers };
}

/** FastAPI's `{"detail": "<text>"}` error body. */
export function detail(
  status: number,
  text: string,
  headers: Readonly<Record<string, string>> = {},
): ReplyError {
  return new ReplyError(json(status, { detail: text }, headers));
}

/** A 422 with the FastAPI list form. */
export function invalid(issues: readonly FieldIssue[]): ReplyError {
  return new ReplyError(json(422, { detail: issues }));
}

/** Starlette's answer to an unhandled exception: plain text, not JSON. */
export const INTERNAL_ERROR: Reply = {
  status: 500,
  body: "Internal Server Error",
  contentType: "text/plain; charset=utf-8",
};

/** nginx's default `limit_req` rejection page (the sample production config's 503). */
export const NGINX_503: Reply = {
  status: 503,
  body:
    "<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n<body>\r\n" +
    "<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n" +
    "<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
  contentType: "text/html",
};

/** Writes `reply` with the headers uvicorn adds (node adds `Date`). */
export function writeReply(res: ServerResponse, reply: Reply): void {
  if (res.headersSent || res.destroyed) return;
  const body = Buffer.from(reply.body);
  res.writeHead(reply.status, {
    server: "uvicorn",
    ...(reply.status === 204 ? {} : { "content-type": reply.contentType ?? "application/json" }),
    "content-length": String(body.length),
    ...reply.headers,
  });
  res.end(body);
}
