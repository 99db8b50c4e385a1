import { STATUS_CODES, type IncomingMessage, type ServerResponse } from "node:http";
import { InvalidInputError } from "../chaturbate/errors.js";

/** One HTTP request the simulator answered (tokens, query strings and bodies are never kept). */
export interface TwitchRequest {
  /** Epoch ms. */
  readonly time: number;
  readonly method: string;
  /** `eventsub`, `users`, `validate` or `token`. */
  readonly endpoint: string;
  /** Path only: the query of `/oauth2/token` may carry a refresh token. */
  readonly path: string;
  /** Answered status; null when the connection was reset or hung. */
  status: number | null;
  /** The injected fault that answered it, if any. */
  fault?: string;
}

/** Keeps the newest `size` requests. */
export class RequestLog {
  readonly #entries: TwitchRequest[] = [];
  readonly #size: number;

  constructor(size: number) {
    this.#size = size;
  }

  add(method: string, endpoint: string, path: string): TwitchRequest {
    const entry: TwitchRequest = { time: Date.now(), method, endpoint, path, status: null };
    this.#entries.push(entry);
    if (this.#entries.length > this.#size) this.#entries.shift();
    return entry;
  }

  all(): readonly TwitchRequest[] {
    return [...this.#entries];
  }
}

/** A request being answered, with its log entry. */
export interface Exchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  readonly log: TwitchRequest | undefined;
}

/** Sends `value` as JSON (`status` 204 sends no body). */
export function sendJson(
  exchange: Exchange,
  status: number,
  value: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  const { res } = exchange;
  if (res.headersSent || res.destroyed) return;
  const body = status === 204 ? "" : JSON.stringify(value);
  res.writeHead(status, {
    ...(status === 204 ? {} : { "Content-Type": "application/json; charset=utf-8" }),
    ...headers,
  });
  res.end(body);
  if (exchange.log !== undefined) exchange.log.status = status;
}

/** Helix's error body: `{"error":"Conflict","status":409,"message":"..."}`. */
export function sendError(
  exchange: Exchange,
  status: number,
  message: string,
  headers: Readonly<Record<string, string>> = {},
): void {
  sendJson(exchange, status, { error: STATUS_CODES[status] ?? "Error", status, message }, headers);
}

const MAX_BODY_BYTES = 1024 * 1024;

/** Reads the request body as text (up to 1 MiB). */
export async function readText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new InvalidInputError("body", "is larger than 1 MiB");
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Reads a JSON body; `undefined` when it is not JSON. */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const text = await readText(req);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The token in `Authorization: Bearer <t>` (or `OAuth <t>` when `oauthToo`). */
export function bearer(req: IncomingMessage, oauthToo = false): string | undefined {
  const match = /^(\w+)\s+(\S+)$/.exec(req.headers.authorization ?? "");
  if (match === null) return undefined;
  const scheme = match[1]!.toLowerCase();
  return scheme === "bearer" || (oauthToo && scheme === "oauth") ? match[2] : undefined;
}
