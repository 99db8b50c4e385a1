import type { IncomingMessage, ServerResponse } from "node:http";
import { InvalidInputError } from "../chaturbate/errors.js";
import { isPlainObject } from "../chaturbate/wire.js";
import type { SimTokenInit } from "./directory.js";
import type { TwitchEndpoint } from "./faults.js";
import { readJson, sendJson, type Exchange } from "./http.js";
import type { TwitchSimulator } from "./server.js";
import { REVOCATION_STATUSES, type RevocationStatus } from "./wire.js";

/** Path prefix of the control API (cannot collide with `/ws`, `/helix` or `/oauth2`). */
export const CONTROL_PREFIX = "/__sim/";

type Body = Record<string, unknown>;
type Route = (sim: TwitchSimulator, body: Body) => unknown;

// Each route returns the JSON to answer with; a thrown InvalidInputError becomes 400.
const ROUTES: Readonly<Record<string, Route>> = {
  "POST users": (sim, b) =>
    sim.addUser({
      id: text(b, "id"),
      login: text(b, "login"),
      ...pick(b, "displayName", "moderators"),
    }),
  "POST clients": (sim, b) => {
    sim.addClient({ clientId: text(b, "clientId"), clientSecret: text(b, "clientSecret") });
    return { ok: true };
  },
  "POST tokens": (sim, b) =>
    sim.issueToken({
      userId: b["userId"] === null ? null : text(b, "userId"),
      clientId: text(b, "clientId"),
      ...pick(b, "scopes", "accessToken", "refreshToken", "expiresInS"),
    } as SimTokenInit),
  "POST emit": (sim, b) => ({
    sent: sim.emit(text(b, "type"), object(b, "overrides"), {
      ...(b["broadcasterId"] === undefined ? {} : { broadcasterId: text(b, "broadcasterId") }),
      ...(b["messageTimestamp"] === undefined
        ? {}
        : { messageTimestamp: new Date(text(b, "messageTimestamp")) }),
    }),
  }),
  "POST emit-raw": (sim, b) => {
    if (!("frame" in b)) throw new InvalidInputError("frame", "is required");
    return { sessions: sim.emitRaw(b["frame"], session(b)) };
  },
  "POST redeliver": (sim, b) => ({
    sent: sim.redeliver(text(b, "messageId"), { newMessageId: b["newMessageId"] === true }),
  }),
  "POST reconnect": (sim, b) => ({ reconnectUrls: sim.reconnect(session(b)) }),
  "POST revoke": (sim, b) => {
    const status = b["status"];
    if (status !== undefined && !REVOCATION_STATUSES.includes(status as RevocationStatus)) {
      throw new InvalidInputError("status", `must be one of ${REVOCATION_STATUSES.join(", ")}`);
    }
    return {
      sent: sim.revoke({
        ...pick(b, "subscriptionId", "type", "broadcasterId"),
        ...(status === undefined ? {} : { status: status as RevocationStatus }),
      }),
    };
  },
  "POST close": (sim, b) => {
    const code = b["code"];
    if (code !== "drop" && (typeof code !== "number" || !Number.isInteger(code))) {
      throw new InvalidInputError("code", 'must be a close code or "drop"');
    }
    return { sessions: sim.closeSessions(code, session(b)) };
  },
  "POST stall": (sim, b) => ({ sessions: sim.stall(session(b), b["stalled"] !== false) }),
  "POST expire-token": (sim, b) => {
    sim.expireToken(text(b, "accessToken"));
    return { ok: true };
  },
  "POST revoke-token": (sim, b) => ({ sent: sim.revokeToken(text(b, "accessToken")) }),
  "POST faults": (sim, b) => {
    sim.inject(b["fault"] as Parameters<TwitchSimulator["inject"]>[0], {
      ...pick(b, "times", "method"),
      ...(b["endpoint"] === undefined ? {} : { endpoint: text(b, "endpoint") as TwitchEndpoint }),
    });
    return { ok: true };
  },
  "DELETE faults": (sim) => {
    sim.clearFaults();
    return { ok: true };
  },
  "POST generator": (sim, b) => {
    const rate = b["ratePerSecond"];
    if (typeof rate !== "number" || rate < 0) {
      throw new InvalidInputError("ratePerSecond", "must be a non-negative number");
    }
    sim.startGenerator(rate);
    return { ok: true };
  },
  "GET subscriptions": (sim) => ({ subscriptions: sim.subscriptions() }),
  "GET sessions": (sim) => ({ sessions: sim.sessions() }),
  "GET sent": (sim) => ({ sent: sim.sent() }),
  "GET requests": (sim) => ({ requests: sim.requests }),
};

/**
 * Serves the JSON control API under {@link CONTROL_PREFIX}, so tests and tools in other
 * processes drive the simulator the way in-process callers use its methods.
 */
export async function handleControl(
  sim: TwitchSimulator,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const exchange: Exchange = { req, res, url, log: undefined };
  const name = url.pathname.slice(CONTROL_PREFIX.length).replace(/\/$/, "");
  const route = ROUTES[`${req.method ?? ""} ${name}`];
  if (route === undefined) {
    const known = Object.keys(ROUTES).some((key) => key.endsWith(` ${name}`));
    return sendJson(exchange, known ? 405 : 404, {
      error: `no route ${req.method} ${url.pathname}`,
    });
  }
  try {
    const body = req.method === "POST" ? await readJson(req) : {};
    if (!isPlainObject(body)) throw new InvalidInputError("body", "must be a JSON object");
    sendJson(exchange, 200, route(sim, body));
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    sendJson(exchange, 400, { error: error.message, name: error.name });
  }
}

function text(body: Body, key: string): string {
  const value = body[key];
  if (typeof value !== "string" || value === "") {
    throw new InvalidInputError(key, "must be a non-empty string");
  }
  return value;
}

function object(body: Body, key: string): Record<string, unknown> | undefined {
  const value = body[key];
  if (value === undefined) return undefined;
  if (!isPlainObject(value)) throw new InvalidInputError(key, "must be an object");
  return value;
}

function session(body: Body): { sessionId?: string } {
  return body["sessionId"] === undefined ? {} : { sessionId: text(body, "sessionId") };
}

/** The given keys of `body` that are present (values are checked by the method called). */
function pick(body: Body, ...keys: string[]): Record<string, never> {
  return Object.fromEntries(
    keys.filter((key) => body[key] !== undefined).map((key) => [key, body[key]]),
  ) as Record<string, never>;
}
