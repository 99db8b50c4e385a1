import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Random } from "../chaturbate/random.js";
import type { ConnectionInfo } from "./connection.js";
import { CONTROL_PREFIX, handleControl } from "./control.js";
import {
  Directory,
  type SimClient,
  type SimTokenInit,
  type SimUser,
  type SimUserInit,
} from "./directory.js";
import {
  FaultQueue,
  serveFault,
  type TwitchEndpoint,
  type TwitchFault,
  type TwitchFaultOptions,
} from "./faults.js";
import { Generator } from "./generator.js";
import { HelixRateLimiter, handleHelix, wireSubscription, type HelixDeps } from "./helix.js";
import { RequestLog, sendError, type Exchange, type TwitchRequest } from "./http.js";
import { Notifier, type EmitOptions, type RevokeOptions, type SentMessage } from "./notifier.js";
import { handleOAuth } from "./oauth.js";
import {
  resolveTwitchOptions,
  type ResolvedTwitchOptions,
  type TwitchSimulatorOptions,
} from "./options.js";
import { EventFactory } from "./payloads.js";
import { SessionHub, type SessionFilter, type SessionSettings } from "./sessions.js";
import { SubscriptionStore } from "./subscriptions.js";
import type { WireSubscription } from "./wire.js";

/** A token the simulator issued. */
export interface IssuedToken {
  readonly accessToken: string;
  readonly refreshToken: string | undefined;
}

/** A running Twitch EventSub + Helix + OAuth simulator. */
export interface TwitchSimulator {
  /** `http://<host>:<port>`. */
  readonly url: string;
  /** `ws://<host>:<port>/ws`: `TWITCH_EVENTSUB_URL`. */
  readonly eventsubUrl: string;
  /** `${url}/helix`: `TWITCH_API_URL`. */
  readonly apiUrl: string;
  /** `${url}/oauth2`: `TWITCH_AUTH_URL`. */
  readonly authUrl: string;
  addUser(user: SimUserInit): SimUser;
  addClient(client: SimClient): void;
  /** Issues an access token (and a refresh token unless `refreshToken: null`). */
  issueToken(init: SimTokenInit): IssuedToken;
  /**
   * Sends one notification of `type` per matching enabled subscription, with a realistic event
   * for its condition (`overrides` deep-merged into `event`); returns what was sent.
   */
  emit(type: string, overrides?: Record<string, unknown>, options?: EmitOptions): SentMessage[];
  /**
   * Sends `frame` on matching sessions: an object JSON-encoded, a string as is, bytes as a text
   * frame as they are (they need not be UTF-8: the malformed frames RFC 6455 forbids).
   */
  emitRaw(frame: unknown, filter?: SessionFilter): number;
  /** Sends an earlier notification again (same `message_id`, or a new one). */
  redeliver(messageId: string, options?: { newMessageId?: boolean }): SentMessage[];
  /** Sends `session_reconnect` to matching sessions; returns the reconnect URLs. */
  reconnect(filter?: SessionFilter): string[];
  /** Revokes matching subscriptions (one `revocation` message each). */
  revoke(options: RevokeOptions): SentMessage[];
  /** Closes matching sessions with a close code (4000–4007, 1000...) or `"drop"` (TCP reset). */
  closeSessions(code: number | "drop", filter?: SessionFilter): number;
  /** Makes matching sessions go silent (no keepalive, ping or notification), or speak again. */
  stall(filter?: SessionFilter, stalled?: boolean): number;
  /** The access token expires now: 401 on Helix and validate; it can still be refreshed. */
  expireToken(accessToken: string): void;
  /** Revokes the token's whole grant and sends `authorization_revoked` for its subscriptions. */
  revokeToken(accessToken: string): SentMessage[];
  /** The next matching HTTP requests get `fault`. */
  inject(fault: TwitchFault, options?: TwitchFaultOptions): void;
  clearFaults(): void;
  /** Emits random notifications for the subscribed types (0 stops). */
  startGenerator(ratePerSecond: number): void;
  stopGenerator(): void;
  /** Every subscription, enabled or recently disabled. */
  subscriptions(): WireSubscription[];
  /** Every WebSocket connection accepted so far. */
  sessions(): ConnectionInfo[];
  /** Every notification and revocation sent, oldest first: the ground truth for checkers. */
  sent(): readonly SentMessage[];
  /** HTTP requests answered (no tokens, no query strings). */
  readonly requests: readonly TwitchRequest[];
  /** Closes every socket and the server. */
  close(): Promise<void>;
}

interface Parts {
  readonly options: ResolvedTwitchOptions;
  readonly directory: Directory;
  readonly hub: SessionHub;
  readonly store: SubscriptionStore;
  readonly notifier: Notifier;
  readonly faults: FaultQueue;
  readonly log: RequestLog;
  readonly generator: Generator;
  readonly helix: HelixDeps;
}

/**
 * Starts a local fake of Twitch EventSub over WebSocket (`/ws`), the Helix subscription and
 * users endpoints (`/helix`), token validation and refresh (`/oauth2`) and a `/__sim/` control
 * API on one port, and resolves once it is listening.
 */
export async function startTwitchSimulator(
  options: TwitchSimulatorOptions = {},
): Promise<TwitchSimulator> {
  const parts = build(resolveTwitchOptions(options));
  const server = createServer();
  await listen(server, parts.options);
  const simulator = facade(server, parts);
  server.on("upgrade", (req: IncomingMessage, socket, head: Buffer) =>
    parts.hub.upgrade(req, socket, head),
  );
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    route(parts, simulator, req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500).end(JSON.stringify({ error: String(error) }));
      else res.destroy();
    });
  });
  return simulator;
}

function build(options: ResolvedTwitchOptions): Parts {
  const random = new Random(options.seed);
  const directory = new Directory();
  for (const client of options.clients) directory.addClient(client);
  for (const user of options.users) directory.addUser(user);
  for (const token of options.tokens) directory.issue(token);
  // The hub tells the store about closed sessions; the store asks the hub about open ones.
  const link: { store?: SubscriptionStore } = {};
  const hub = new SessionHub(sessionSettings(options), {
    ended: (sessionId, status) => link.store?.disableSession(sessionId, status),
    moved: (from, to, connectedAt) => link.store?.moveSession(from, to, connectedAt),
  });
  const store = new SubscriptionStore(directory, hub, {
    maxTotalCost: options.maxTotalCost,
    maxPerSession: options.maxSubscriptionsPerSession,
    maxTransports: options.maxTransports,
    maxPerTypeAndCondition: options.maxPerTypeAndCondition,
    disabledRetentionMs: options.disabledRetentionMs,
  });
  link.store = store;
  const notifier = new Notifier(
    store,
    hub,
    new EventFactory(random, directory),
    options.historySize,
  );
  const helix: HelixDeps = {
    directory,
    store,
    limiter: new HelixRateLimiter(options.rateLimitPerMinute),
    maxTotalCost: options.maxTotalCost,
    pageSize: options.pageSize,
  };
  return {
    options,
    directory,
    hub,
    store,
    notifier,
    faults: new FaultQueue(),
    log: new RequestLog(options.historySize),
    generator: new Generator(notifier, store, random),
    helix,
  };
}

function sessionSettings(options: ResolvedTwitchOptions): SessionSettings {
  return {
    keepaliveMinS: options.keepaliveMinS,
    keepaliveMaxS: options.keepaliveMaxS,
    keepaliveDefaultS: options.keepaliveDefaultS,
    subscribeDeadlineMs: options.subscribeDeadlineMs,
    pingIntervalMs: options.pingIntervalMs,
    reconnectGraceMs: options.reconnectGraceMs,
    reconnectKeepsSessionId: options.reconnectKeepsSessionId,
    overlapDelivery: options.overlapDelivery,
    publicWsUrl: options.publicUrl?.replace(/^http/, "ws"),
  };
}

function facade(server: Server, p: Parts): TwitchSimulator {
  const port = (server.address() as AddressInfo).port;
  const url = p.options.publicUrl ?? `http://${urlHost(p.options.host)}:${port}`;
  let closing: Promise<void> | undefined;
  return {
    url,
    eventsubUrl: `${url.replace(/^http/, "ws")}/ws`,
    apiUrl: `${url}/helix`,
    authUrl: `${url}/oauth2`,
    addUser: (user) => p.directory.addUser(user),
    addClient: (client) => p.directory.addClient(client),
    issueToken: (init) => {
      const grant = p.directory.issue(init);
      return { accessToken: grant.accessToken, refreshToken: grant.refreshToken };
    },
    emit: (type, overrides, emitOptions) => p.notifier.emit(type, overrides, emitOptions),
    emitRaw: (frame, filter) =>
      p.hub.sendRaw(
        typeof frame === "string" || frame instanceof Uint8Array ? frame : JSON.stringify(frame),
        filter,
      ),
    redeliver: (messageId, redeliverOptions) => p.notifier.redeliver(messageId, redeliverOptions),
    reconnect: (filter) => p.hub.reconnect(filter),
    revoke: (revokeOptions) => p.notifier.revoke(revokeOptions),
    closeSessions: (code, filter) => p.hub.close(code, filter),
    stall: (filter, stalled = true) => p.hub.stall(stalled, filter),
    expireToken: (accessToken) => p.directory.expire(accessToken),
    revokeToken: (accessToken) => {
      const { clientId, userId } = p.directory.revoke(accessToken);
      return p.notifier.revokeGrant(clientId, userId);
    },
    inject: (fault, faultOptions) => p.faults.add(fault, faultOptions),
    clearFaults: () => p.faults.clear(),
    startGenerator: (rate) => p.generator.start(rate),
    stopGenerator: () => p.generator.stop(),
    subscriptions: () => p.store.all().map(wireSubscription),
    sessions: () => p.hub.connections(),
    sent: () => p.notifier.history(),
    get requests() {
      return p.log.all();
    },
    close: () => {
      closing ??= shutDown(server, p);
      return closing;
    },
  };
}

async function route(
  p: Parts,
  simulator: TwitchSimulator,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(`http://simulator${req.url ?? "/"}`);
  if (url.pathname.startsWith(CONTROL_PREFIX)) return handleControl(simulator, req, res, url);
  const endpoint = endpointOf(url.pathname);
  if (endpoint === undefined) {
    return sendError({ req, res, url, log: undefined }, 404, "Not Found");
  }
  const method = req.method ?? "GET";
  const exchange: Exchange = { req, res, url, log: p.log.add(method, endpoint, url.pathname) };
  const fault = p.faults.take(endpoint, method);
  if (fault !== undefined) return serveFault(exchange, fault);
  if (endpoint === "validate" || endpoint === "token") return handleOAuth(p.directory, exchange);
  return handleHelix(p.helix, exchange);
}

function endpointOf(path: string): TwitchEndpoint | undefined {
  if (path.startsWith("/helix/eventsub/subscriptions")) return "eventsub";
  if (path.startsWith("/helix/users")) return "users";
  if (path.startsWith("/oauth2/validate")) return "validate";
  if (path.startsWith("/oauth2/token")) return "token";
  return undefined;
}

function listen(server: Server, options: ResolvedTwitchOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
}

async function shutDown(server: Server, p: Parts): Promise<void> {
  p.generator.stop();
  p.faults.clear();
  p.hub.closeAll();
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await closed;
}

// A wildcard bind is reachable on loopback; IPv6 literals need brackets in a URL.
function urlHost(host: string): string {
  if (host === "0.0.0.0" || host === "::") return "127.0.0.1";
  return host.includes(":") ? `[${host}]` : host;
}
