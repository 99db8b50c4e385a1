import { STATUS_CODES } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import { gzipSync } from "node:zlib";
import type { ChaturbateFault } from "./faults.js";
import type { LoggedRequest } from "./request-log.js";

/** One request/response pair being answered. */
export interface Exchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** The request-log entry to stamp with the status (control requests are not logged). */
  readonly log: LoggedRequest | undefined;
  /** Whether gzip is enabled for this server. */
  readonly gzip: boolean;
}

/** The content type every real Events API response carries. */
export const JSON_CONTENT_TYPE = "application/json; charset=utf-8";

// Observed on real testbed responses; browsers may call the API cross-origin.
const BASE_HEADERS: Readonly<Record<string, string>> = {
  "Content-Type": JSON_CONTENT_TYPE,
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Credentials": "true",
};

/**
 * Sends `body` with the real API's headers (plus `headers`, which win). The body goes out as a
 * chunk rather than with Content-Length, matching the chunked responses seen behind Cloudflare.
 */
export function sendBody(
  exchange: Exchange,
  status: number,
  body: string | Uint8Array,
  headers: Readonly<Record<string, string>> = {},
): void {
  const { req, res } = exchange;
  if (res.headersSent || res.destroyed) return;
  for (const [name, value] of Object.entries({ ...BASE_HEADERS, ...headers })) {
    res.setHeader(name, value);
  }
  let payload = Buffer.from(body);
  if (exchange.gzip && /\bgzip\b/i.test(req.headers["accept-encoding"] ?? "")) {
    payload = gzipSync(payload);
    res.setHeader("Content-Encoding", "gzip");
    res.setHeader("Vary", "Accept-Encoding");
  }
  res.writeHead(status);
  res.write(payload);
  res.end();
  if (exchange.log !== undefined) exchange.log.status = status;
}

/** Sends `value` as JSON. */
export function sendJson(
  exchange: Exchange,
  status: number,
  value: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  sendBody(exchange, status, JSON.stringify(value), headers);
}

/** The faults that replace the normal answer entirely (the rest modify a normal batch). */
export type ReplacingFault = Exclude<ChaturbateFault, { kind: "nextUrl" } | { kind: "redeliver" }>;

/** Serves a replacing fault. `nextUrl` is the URL a normal answer would have carried. */
export function serveFault(exchange: Exchange, fault: ReplacingFault, nextUrl: string): void {
  switch (fault.kind) {
    case "status":
      return serveStatus(exchange, fault);
    case "reset":
      exchange.res.destroy();
      return;
    case "resetMidBody":
      return serveHalfBody(exchange, nextUrl);
    case "hang":
      return hang(exchange, fault.ms);
    case "body":
      return sendBody(exchange, fault.status ?? 200, fault.body, {
        "Content-Type": fault.contentType ?? JSON_CONTENT_TYPE,
      });
    case "waitedTooLong":
      return sendJson(exchange, 400, { status: "waited too long for events", nextUrl, events: [] });
  }
}

function serveStatus(exchange: Exchange, fault: Extract<ChaturbateFault, { kind: "status" }>) {
  const headers: Record<string, string> = {};
  if (fault.retryAfter !== undefined) headers["Retry-After"] = fault.retryAfter;
  // Cloudflare answers its own 52x/530 errors with a short text page, not JSON from the origin.
  const fromCloudflare = fault.status >= 520 && fault.status <= 530;
  if (fromCloudflare) headers["Content-Type"] = "text/plain; charset=UTF-8";
  const body =
    fault.body ??
    (fromCloudflare
      ? `error code: ${fault.status}`
      : JSON.stringify({ status: STATUS_CODES[fault.status] ?? "error" }));
  sendBody(exchange, fault.status, body, { ...headers, ...fault.headers });
}

// Content-Length promises the whole body so the client sees a truncated response, not a short one.
function serveHalfBody(exchange: Exchange, nextUrl: string): void {
  const body = Buffer.from(JSON.stringify({ events: [], nextUrl }));
  exchange.res.writeHead(200, { ...BASE_HEADERS, "Content-Length": String(body.length) });
  exchange.res.write(body.subarray(0, Math.floor(body.length / 2)), () => {
    setTimeout(() => exchange.res.destroy(), 20);
  });
  if (exchange.log !== undefined) exchange.log.status = 200;
}

function hang(exchange: Exchange, ms: number | undefined): void {
  if (ms === undefined) return; // held until the client leaves or the server closes
  const timer = setTimeout(() => exchange.res.destroy(), ms);
  exchange.res.once("close", () => clearTimeout(timer));
}
