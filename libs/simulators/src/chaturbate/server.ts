import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Accounts } from "./accounts.js";
import { CONTROL_PREFIX, handleControlRequest } from "./control.js";
import { handleEventsRequest } from "./events-endpoint.js";
import type { EventsEndpointDeps } from "./events-endpoint.js";
import { FaultQueue } from "./faults.js";
import type { ChaturbateFault, FaultOptions } from "./faults.js";
import { Feed } from "./feed.js";
import type { FeedEntry } from "./feed.js";
import { RoomGenerator } from "./generator.js";
import { resolveOptions } from "./options.js";
import type { ChaturbateSimulatorOptions, ResolvedOptions } from "./options.js";
import { Random } from "./random.js";
import { RateLimiter } from "./rate-limit.js";
import { RequestLog } from "./request-log.js";
import type { SimulatedRequest } from "./request-log.js";
import { FeedWriter } from "./feed-writer.js";
import type { ChaturbateMethod, WireEvent } from "./wire.js";

/** A running Chaturbate Events API simulator. */
export interface ChaturbateSimulator {
  /** `http://<host>:<port>`, e.g. `"http://127.0.0.1:8091"`. */
  readonly url: string;
  /** `${url}/events`: what an ingester's base URL (`CB_BASE_URL`) is set to. */
  readonly baseUrl: string;
  /** Adds an account, or another token for an existing one. */
  addAccount(username: string, token: string): void;
  /**
   * Appends one well-formed event of `method` with realistic generated fields; `overrides` is
   * deep-merged into `object` (`undefined` values delete keys). Returns the wire event.
   */
  emit(username: string, method: ChaturbateMethod, overrides?: Record<string, unknown>): WireEvent;
  /** Appends `count` realistic events in a weighted mix of all 12 methods (chat most common). */
  emitRandom(username: string, count: number): WireEvent[];
  /**
   * Appends `item` exactly as given, to test malformed items. An object without `"id"` gets the
   * cursor id added unless `withId` is false; returns the id written into the item, if any. The
   * item takes a cursor position either way, so `nextUrl` advances past it.
   */
  emitRaw(username: string, item: unknown, options?: { withId?: boolean }): string | undefined;
  /** Every retained item of the account's feed, oldest first, with its cursor id. */
  feed(username: string): readonly FeedEntry[];
  /** Emits random events at `ratePerSecond` until stopped (replaces a running generator). */
  startGenerator(username: string, ratePerSecond: number): void;
  /** Stops the account's generator, if one runs. */
  stopGenerator(username: string): void;
  /** The next `times` (default 1) matching requests get `fault` instead of a normal answer. */
  inject(fault: ChaturbateFault, options?: FaultOptions): void;
  /** Drops every queued fault. */
  clearFaults(): void;
  /** After `afterMs` (default 0) the account's tokens stop working, for held requests too. */
  revokeToken(username: string, options?: { afterMs?: number }): void;
  /** Requests to the events endpoint, oldest first (tokens masked). */
  readonly requests: readonly SimulatedRequest[];
  /** Stops generators, ends held connections and closes the server. */
  close(): Promise<void>;
}

/**
 * Starts a local fake of the Chaturbate Events API (long-poll feed, fault injection and a
 * `/__sim/` control API) and resolves once it is listening.
 */
export async function startChaturbateSimulator(
  options: ChaturbateSimulatorOptions = {},
): Promise<ChaturbateSimulator> {
  const resolved = resolveOptions(options);
  const random = new Random(resolved.seed);
  const accounts = new Accounts((username) => ({
    feed: new Feed(resolved.maxFeedEvents),
    room: new RoomGenerator(username, random),
  }));
  for (const { username, token } of resolved.accounts) accounts.add(username, token);
  const deps: EventsEndpointDeps = {
    options: resolved,
    accounts,
    faults: new FaultQueue(),
    limiter: new RateLimiter(resolved.rateLimitPerMinute),
    requestLog: new RequestLog(resolved.requestLogSize),
  };
  const server = createServer();
  await listen(server, resolved);
  const simulator = buildSimulator(server, resolved, deps, new FeedWriter(accounts));
  // Attached once the simulator exists (the control API needs it); connections accepted in
  // the meantime wait in the event loop until this synchronous continuation has run.
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    route(deps, simulator, req, res).catch((error: unknown) => answerCrash(res, error));
  });
  return simulator;
}

function buildSimulator(
  server: Server,
  options: ResolvedOptions,
  deps: EventsEndpointDeps,
  writer: FeedWriter,
): ChaturbateSimulator {
  const url = `http://${urlHost(options.host)}:${(server.address() as AddressInfo).port}`;
  let closing: Promise<void> | undefined;
  return {
    url,
    baseUrl: `${url}/events`,
    addAccount: (username, token) => deps.accounts.add(username, token),
    emit: (username, method, overrides) => writer.emit(username, method, overrides),
    emitRandom: (username, count) => writer.emitRandom(username, count),
    emitRaw: (username, item, rawOptions) => writer.emitRaw(username, item, rawOptions),
    feed: (username) => deps.accounts.get(username).feed.all(),
    startGenerator: (username, rate) => writer.startGenerator(username, rate),
    stopGenerator: (username) => writer.stopGenerator(username),
    inject: (fault, faultOptions) => deps.faults.add(fault, faultOptions),
    clearFaults: () => deps.faults.clear(),
    revokeToken: (username, revokeOptions) =>
      deps.accounts.revoke(username, revokeOptions?.afterMs ?? 0),
    get requests() {
      return deps.requestLog.all();
    },
    close: () => {
      closing ??= shutDown(server, deps, writer);
      return closing;
    },
  };
}

async function route(
  deps: EventsEndpointDeps,
  simulator: ChaturbateSimulator,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  // A fixed dummy origin: `new URL("//x/y", base)` would otherwise read "x" as a host.
  const url = new URL(`http://simulator${req.url ?? "/"}`);
  if (url.pathname.startsWith(CONTROL_PREFIX)) {
    return handleControlRequest(simulator, req, res, url);
  }
  return handleEventsRequest(deps, req, res, url);
}

function answerCrash(res: ServerResponse, error: unknown): void {
  if (!res.headersSent) {
    res.writeHead(500, { "Content-Type": "application/json; charset=utf-8" });
    res.end(JSON.stringify({ error: String(error) }));
  } else {
    res.destroy();
  }
}

function listen(server: Server, options: ResolvedOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
}

async function shutDown(server: Server, deps: EventsEndpointDeps, writer: FeedWriter) {
  writer.stopAll();
  deps.accounts.close();
  deps.faults.clear();
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // Held long-polls and hung faults would otherwise keep close() waiting for their sockets.
  server.closeAllConnections();
  await closed;
}

// A wildcard bind is reachable on loopback; IPv6 literals need brackets in a URL.
function urlHost(host: string): string {
  if (host === "0.0.0.0" || host === "::") return "127.0.0.1";
  return host.includes(":") ? `[${host}]` : host;
}
