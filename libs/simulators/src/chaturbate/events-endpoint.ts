import { STATUS_CODES } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Account, Accounts } from "./accounts.js";
import { parseEventId } from "./event-id.js";
import type { EventId } from "./event-id.js";
import type { ChaturbateFault, FaultQueue } from "./faults.js";
import type { FeedEntry } from "./feed.js";
import { waitForBatch } from "./long-poll.js";
import type { ResolvedOptions } from "./options.js";
import type { RateLimiter } from "./rate-limit.js";
import type { RequestLog } from "./request-log.js";
import { sendJson, serveFault } from "./respond.js";
import type { Exchange } from "./respond.js";

/** What the events endpoint needs from the simulator. */
export interface EventsEndpointDeps {
  readonly options: ResolvedOptions;
  readonly accounts: Accounts;
  readonly faults: FaultQueue;
  readonly limiter: RateLimiter;
  readonly requestLog: RequestLog;
}

/** A parsed, well-formed feed request. */
interface FeedRequest {
  readonly username: string;
  readonly token: string;
  /** The cursor as sent (echoed verbatim in `nextUrl` when nothing new arrives). */
  readonly cursorText: string | undefined;
  readonly cursor: EventId | undefined;
  readonly timeoutS: number;
  /** Where `nextUrl`s point: the public URL option, else the host the client used. */
  readonly origin: string;
}

const FEED_PATH = /^\/events\/([^/]+)\/([^/]+)\/?$/;
const DEFAULT_TIMEOUT_S = 10;

/** Serves `GET /events/:username/:token/`: auth, rate limit, faults, then the long-poll. */
export async function handleEventsRequest(
  deps: EventsEndpointDeps,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const segments = decodeSegments(url.pathname);
  const log = deps.requestLog.start(url, segments?.username ?? null);
  const exchange: Exchange = { req, res, log, gzip: deps.options.gzip };
  if (segments === undefined) return sendJson(exchange, 404, { status: "Not Found" });
  if (req.method !== "GET") return sendJson(exchange, 405, { status: "Method Not Allowed" });
  const parsed = parseFeedRequest(deps.options, req, url, segments);
  if (typeof parsed === "string") return sendJson(exchange, 400, { status: parsed });

  const fault = deps.faults.take(parsed.username);
  if (fault !== undefined) log.fault = fault.kind;
  if (fault !== undefined && fault.kind !== "nextUrl" && fault.kind !== "redeliver") {
    return serveFault(exchange, fault, nextUrlFor(parsed, parsed.cursorText));
  }
  const account = admit(deps, exchange, parsed);
  if (account === undefined) return;
  if (fault?.kind === "redeliver" && account.lastBatch !== undefined) {
    const { items, nextUrl } = account.lastBatch;
    return sendJson(exchange, 200, { events: items, nextUrl });
  }
  await serveBatch(deps, exchange, parsed, account, fault);
}

function decodeSegments(pathname: string): { username: string; token: string } | undefined {
  const match = FEED_PATH.exec(pathname);
  if (match === null) return undefined;
  try {
    return { username: decodeURIComponent(match[1]!), token: decodeURIComponent(match[2]!) };
  } catch {
    return undefined;
  }
}

/** The request's parameters, or the text of a 400 answer. */
function parseFeedRequest(
  options: ResolvedOptions,
  req: IncomingMessage,
  url: URL,
  segments: { username: string; token: string },
): FeedRequest | string {
  const timeoutText = url.searchParams.get("timeout");
  const timeout = timeoutText === null ? DEFAULT_TIMEOUT_S : Number(timeoutText);
  // Out-of-range values are clamped rather than rejected (the real behaviour is undocumented).
  if (timeoutText === "" || !Number.isFinite(timeout)) return "invalid timeout";
  const cursorText = url.searchParams.get("i") ?? undefined;
  const cursor = cursorText === undefined ? undefined : parseEventId(cursorText);
  if (cursorText !== undefined && cursor === undefined) return "invalid i";
  return {
    ...segments,
    cursorText,
    cursor,
    timeoutS: Math.min(options.maxTimeoutS, Math.max(0, Math.trunc(timeout))),
    origin: options.publicUrl ?? `http://${req.headers.host ?? "127.0.0.1"}`,
  };
}

/** Checks token, rate limit and cursor age; answers and returns `undefined` on failure. */
function admit(
  deps: EventsEndpointDeps,
  exchange: Exchange,
  request: FeedRequest,
): Account | undefined {
  const { options } = deps;
  const account = deps.accounts.authorize(request.username, request.token);
  if (account === undefined) {
    sendAuthFailure(exchange, options.authFailureStatus);
    return undefined;
  }
  const admission = deps.limiter.admit(request.token);
  if (!admission.ok) {
    sendJson(
      exchange,
      429,
      { status: "Too Many Requests" },
      {
        "Retry-After": String(admission.retryAfterS),
      },
    );
    return undefined;
  }
  const retention = options.cursorRetentionMs;
  if (request.cursor !== undefined && retention !== undefined) {
    if (Date.now() - request.cursor.ms > retention) {
      sendJson(exchange, options.expiredCursorStatus, { status: "cursor expired" });
      return undefined;
    }
  }
  return account;
}

async function serveBatch(
  deps: EventsEndpointDeps,
  exchange: Exchange,
  request: FeedRequest,
  account: Account,
  fault: ChaturbateFault | undefined,
): Promise<void> {
  const outcome = await waitForBatch({
    feed: account.feed,
    read: batchReader(deps.options, account, request.cursor),
    authorized: () => deps.accounts.authorize(request.username, request.token) !== undefined,
    timeoutMs: request.timeoutS * 1000,
    res: exchange.res,
  });
  if (outcome === "gone") return;
  if (outcome === "revoked") return sendAuthFailure(exchange, deps.options.authFailureStatus);
  const items = outcome.map((entry) => entry.item);
  const nextUrl = nextUrlFor(request, outcome.at(-1)?.id ?? request.cursorText);
  if (items.length > 0) account.lastBatch = { items, nextUrl };
  const served = fault?.kind === "nextUrl" ? fault.value : nextUrl;
  sendJson(exchange, 200, { events: items, nextUrl: served });
}

/**
 * Without `i` a request gets the newest `backlogSize` events at once, overlapping what earlier
 * requests delivered (what a restarted client sees); on an empty feed it waits for what comes.
 */
function batchReader(
  options: ResolvedOptions,
  account: Account,
  cursor: EventId | undefined,
): () => FeedEntry[] {
  if (cursor !== undefined) return () => account.feed.after(cursor, options.maxBatch);
  const backlog = account.feed.latest(options.backlogSize, options.maxBatch);
  if (backlog.length > 0) return () => backlog;
  const newest = account.feed.latest(1, 1)[0]?.id;
  const since = (newest === undefined ? undefined : parseEventId(newest)) ?? { ms: 0, seq: 0 };
  return () => account.feed.after(since, options.maxBatch);
}

function nextUrlFor(request: FeedRequest, lastId: string | undefined): string {
  const path = `/events/${encodeURIComponent(request.username)}/${encodeURIComponent(request.token)}/`;
  const cursor = lastId === undefined ? "" : `i=${lastId}&`;
  return `${request.origin}${path}?${cursor}timeout=${request.timeoutS}`;
}

function sendAuthFailure(exchange: Exchange, status: number): void {
  sendJson(exchange, status, { status: STATUS_CODES[status] ?? "Unauthorized" });
}
