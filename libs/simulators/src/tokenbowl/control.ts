import type { IncomingMessage, ServerResponse } from "node:http";
import { InvalidInputError, UnknownAccountError } from "../chaturbate/errors.js";
import { isPlainObject } from "../chaturbate/wire.js";
import type { TokenBowlFault } from "./faults.js";
import { ReplyError, json, writeReply } from "./reply.js";
import type { TokenBowlSimulator } from "./server.js";
import type { Role } from "./store.js";

/** Path prefix of the control API; no Token Bowl route starts with it. */
export const TOKENBOWL_CONTROL_PREFIX = "/__sim/";

type Body = Record<string, unknown>;
type Handler = (sim: TokenBowlSimulator, body: Body) => unknown;

// Each route mirrors a programmatic method; thrown InvalidInputError → 400, unknown user → 404,
// a chat rule (403/404/400 from post) → that status with the server's body.
const ROUTES: Readonly<Record<string, Handler>> = {
  "POST users": (sim, b) => ({
    apiKey: sim.register(text(b, "username"), {
      ...(b["role"] === undefined ? {} : { role: text(b, "role") as Role }),
      ...(b["apiKey"] === undefined ? {} : { apiKey: text(b, "apiKey") }),
    }),
  }),
  "POST users/regenerate-key": (sim, b) => ({ apiKey: sim.regenerateKey(text(b, "username")) }),
  "POST users/delete": (sim, b) => sim.deleteUser(text(b, "username")),
  "POST messages": (sim, b) =>
    sim.post(text(b, "from"), text(b, "text"), {
      ...(b["to"] === undefined ? {} : { to: text(b, "to") }),
      ...(b["timestamp"] === undefined ? {} : { timestamp: text(b, "timestamp") }),
    }),
  "POST messages/raw": (sim, b) => {
    if (!isPlainObject(b["item"])) throw new InvalidInputError("item", "must be an object");
    sim.postRaw(b["item"]);
    return { ok: true };
  },
  "POST flood": (sim, b) => ({
    messages: sim.flood(count(b, "count"), { dms: b["dms"] === true }),
  }),
  "POST generator": (sim, b) => {
    const rate = b["ratePerSecond"];
    if (typeof rate !== "number" || !(rate >= 0)) {
      throw new InvalidInputError("ratePerSecond", "must be a non-negative number");
    }
    sim.generate(rate);
    return { ok: true };
  },
  "POST faults": (sim, b) => {
    sim.inject(b["fault"] as TokenBowlFault, {
      ...(b["times"] === undefined ? {} : { times: count(b, "times") }),
      ...(b["path"] === undefined ? {} : { path: text(b, "path") }),
      ...(b["method"] === undefined ? {} : { method: text(b, "method") }),
    });
    return { ok: true };
  },
  "DELETE faults": (sim) => sim.clearFaults(),
  "POST legacy": (sim, b) => {
    if (typeof b["enabled"] !== "boolean")
      throw new InvalidInputError("enabled", "must be a boolean");
    sim.setLegacy(b["enabled"]);
    return { ok: true };
  },
  "GET messages": (sim) => ({ messages: sim.messages(), evicted: sim.evicted }),
  "GET posted": (sim) => ({ messages: sim.posted() }),
  "GET requests": (sim) => ({ requests: sim.requests }),
};

/** Serves the JSON control API, so tools in other processes can drive the simulator. */
export async function handleTokenBowlControl(
  sim: TokenBowlSimulator,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const name = url.pathname.slice(TOKENBOWL_CONTROL_PREFIX.length).replace(/\/$/, "");
  const handler = ROUTES[`${req.method ?? ""} ${name}`];
  if (handler === undefined) {
    return writeReply(res, json(404, { error: `no route ${req.method} ${url.pathname}` }));
  }
  try {
    const body = req.method === "POST" ? await readBody(req) : {};
    writeReply(res, json(200, handler(sim, body) ?? { ok: true }));
  } catch (error) {
    if (error instanceof ReplyError) return writeReply(res, error.reply);
    if (error instanceof UnknownAccountError || error instanceof InvalidInputError) {
      const status = error instanceof UnknownAccountError ? 404 : 400;
      return writeReply(res, json(status, { error: error.message, name: error.name }));
    }
    throw error;
  }
}

async function readBody(req: IncomingMessage): Promise<Body> {
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  const raw = Buffer.concat(chunks).toString("utf8");
  let body: unknown;
  try {
    body = raw === "" ? {} : JSON.parse(raw);
  } catch {
    throw new InvalidInputError("body", "is not valid JSON");
  }
  if (!isPlainObject(body)) throw new InvalidInputError("body", "must be a JSON object");
  return body;
}

function text(body: Body, key: string): string {
  const value = body[key];
  if (typeof value !== "string") throw new InvalidInputError(key, "must be a string");
  return value;
}

function count(body: Body, key: string): number {
  const value = body[key];
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw new InvalidInputError(key, "must be a positive integer");
  }
  return value;
}
