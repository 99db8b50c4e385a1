import type { IncomingMessage, ServerResponse } from "node:http";
import { InvalidInputError, UnknownAccountError } from "./errors.js";
import type { ChaturbateFault } from "./faults.js";
import { sendJson } from "./respond.js";
import type { Exchange } from "./respond.js";
import type { ChaturbateSimulator } from "./server.js";
import { isChaturbateMethod, isPlainObject } from "./wire.js";

/** Path prefix of the control API, chosen so it cannot collide with `/events/...`. */
export const CONTROL_PREFIX = "/__sim/";

const MAX_BODY_BYTES = 1024 * 1024;

type Body = Record<string, unknown>;
type Route = (sim: ChaturbateSimulator, body: Body, url: URL) => unknown;

// Each route returns the JSON to answer with; thrown InvalidInputError → 400, unknown account → 404.
const ROUTES: Readonly<Record<string, Route>> = {
  "POST accounts": (sim, body) => {
    sim.addAccount(text(body, "username"), text(body, "token"));
    return { ok: true };
  },
  "POST emit": (sim, body) => {
    const method = body["method"];
    if (!isChaturbateMethod(method)) throw new InvalidInputError("method", "unknown method");
    return sim.emit(text(body, "username"), method, optionalObject(body, "overrides"));
  },
  "POST emit-random": (sim, body) => ({
    events: sim.emitRandom(text(body, "username"), count(body, "count")),
  }),
  "POST emit-raw": (sim, body) => {
    if (!("item" in body)) throw new InvalidInputError("item", "is required");
    const withId = body["withId"];
    if (withId !== undefined && typeof withId !== "boolean") {
      throw new InvalidInputError("withId", "must be a boolean");
    }
    const id = sim.emitRaw(text(body, "username"), body["item"], { withId: withId !== false });
    return { id: id ?? null };
  },
  "GET feed": (sim, _body, url) => ({
    items: sim.feed(url.searchParams.get("username") ?? ""),
  }),
  "POST faults": (sim, body) => {
    const times = body["times"];
    if (times !== undefined && typeof times !== "number") {
      throw new InvalidInputError("times", "must be a number");
    }
    const username = body["username"] === undefined ? undefined : text(body, "username");
    sim.inject(body["fault"] as ChaturbateFault, {
      ...(times === undefined ? {} : { times }),
      ...(username === undefined ? {} : { username }),
    });
    return { ok: true };
  },
  "DELETE faults": (sim) => {
    sim.clearFaults();
    return { ok: true };
  },
  "POST revoke": (sim, body) => {
    const afterMs = body["afterMs"] === undefined ? 0 : count(body, "afterMs");
    sim.revokeToken(text(body, "username"), { afterMs });
    return { ok: true };
  },
  "POST generator": (sim, body) => {
    const rate = body["ratePerSecond"];
    if (typeof rate !== "number") throw new InvalidInputError("ratePerSecond", "must be a number");
    const username = text(body, "username");
    if (rate === 0) sim.stopGenerator(username);
    else sim.startGenerator(username, rate);
    return { ok: true };
  },
  "GET requests": (sim) => ({ requests: sim.requests }),
};

/**
 * Serves the JSON control API under {@link CONTROL_PREFIX}, so tests and tools in other
 * processes can drive the simulator the way in-process callers use its methods.
 */
export async function handleControlRequest(
  sim: ChaturbateSimulator,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const exchange: Exchange = { req, res, log: undefined, gzip: false };
  const name = url.pathname.slice(CONTROL_PREFIX.length).replace(/\/$/, "");
  const route = ROUTES[`${req.method ?? ""} ${name}`];
  if (route === undefined) {
    const known = Object.keys(ROUTES).some((key) => key.endsWith(` ${name}`));
    return sendJson(exchange, known ? 405 : 404, {
      error: `no route ${req.method} ${url.pathname}`,
    });
  }
  try {
    const body = req.method === "GET" || req.method === "DELETE" ? {} : await readBody(req);
    sendJson(exchange, 200, route(sim, body, url));
  } catch (error) {
    if (error instanceof UnknownAccountError) return sendJson(exchange, 404, errorBody(error));
    if (error instanceof InvalidInputError) return sendJson(exchange, 400, errorBody(error));
    throw error;
  }
}

async function readBody(req: IncomingMessage): Promise<Body> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new InvalidInputError("body", "is larger than 1 MiB");
    chunks.push(chunk);
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new InvalidInputError("body", "is not valid JSON");
  }
  if (!isPlainObject(body)) throw new InvalidInputError("body", "must be a JSON object");
  return body;
}

function errorBody(error: UnknownAccountError | InvalidInputError): Record<string, unknown> {
  return { error: error.message, name: error.name };
}

function text(body: Body, key: string): string {
  const value = body[key];
  if (typeof value !== "string") throw new InvalidInputError(key, "must be a string");
  return value;
}

function count(body: Body, key: string): number {
  const value = body[key];
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    throw new InvalidInputError(key, "must be a non-negative integer");
  }
  return value;
}

function optionalObject(body: Body, key: string): Record<string, unknown> | undefined {
  const value = body[key];
  if (value === undefined) return undefined;
  if (!isPlainObject(value)) throw new InvalidInputError(key, "must be an object");
  return value;
}
