import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { ObsFault } from "./endpoint.js";
import { ObsRequestError } from "./errors.js";
import type { ResolvedObsOptions } from "./options.js";
import type { ObsSimulator } from "./server.js";

/** Path prefix of the control API. */
export const OBS_CONTROL_PREFIX = "/__sim/";

/** The running control API. */
export interface ObsControl {
  readonly url: string;
  close(): Promise<void>;
}

type Body = Record<string, unknown>;
type Route = (sim: ObsSimulator, body: Body) => unknown;

/** A bad control request (400). */
class BadInput extends Error {}

const ok = { ok: true };

// Each route mirrors one ObsSimulator method; the answer is JSON.
const ROUTES: Readonly<Record<string, Route>> = {
  "GET state": (sim) => ({
    running: sim.running,
    url: sim.url,
    currentScene: sim.currentScene,
    connections: sim.connections.length,
  }),
  "GET connections": (sim) => ({ connections: sim.connections }),
  "GET requests": (sim) => ({ requests: sim.requests }),
  "GET events": (sim) => ({ events: sim.events }),
  "POST scene": (sim, b) => (sim.setScene(text(b, "name")), ok),
  "POST scenes": (sim, b) => (sim.createScene(text(b, "name")), ok),
  "POST scenes/remove": (sim, b) => (sim.removeScene(text(b, "name")), ok),
  "POST scenes/rename": (sim, b) => (sim.renameScene(text(b, "name"), text(b, "newName")), ok),
  "POST item": (sim, b) => ({
    sceneItemId: sim.setSceneItemEnabled(text(b, "scene"), itemRef(b), flag(b, "enabled")),
  }),
  "POST items": (sim, b) => ({
    sceneItemId: sim.addSceneItem(text(b, "scene"), text(b, "sourceName")),
  }),
  "POST items/remove": (sim, b) => (sim.removeSceneItem(text(b, "scene"), itemRef(b)), ok),
  "POST mute": (sim, b) => (sim.setInputMute(text(b, "input"), flag(b, "muted")), ok),
  "POST studio-mode": (sim, b) => (sim.setStudioMode(flag(b, "enabled")), ok),
  "POST stream/start": async (sim, b) => (await sim.startStream({ fail: b["fail"] === true }), ok),
  "POST stream/stop": async (sim) => (await sim.stopStream(), ok),
  "POST stream/reconnect": async (sim) => (await sim.reconnectStream(), ok),
  "POST record/start": async (sim) => (await sim.startRecording(), ok),
  "POST record/stop": async (sim) => (await sim.stopRecording(), ok),
  "POST record/pause": (sim) => (sim.pauseRecording(), ok),
  "POST record/resume": (sim) => (sim.resumeRecording(), ok),
  "POST replay/start": async (sim) => (await sim.startReplayBuffer(), ok),
  "POST replay/stop": async (sim) => (await sim.stopReplayBuffer(), ok),
  "POST replay/save": (sim) => ({ savedReplayPath: sim.saveReplayBuffer() }),
  "POST virtualcam/start": async (sim) => (await sim.startVirtualCam(), ok),
  "POST virtualcam/stop": async (sim) => (await sim.stopVirtualCam(), ok),
  "POST event": (sim, b) => {
    const intent = b["eventIntent"];
    if (typeof intent !== "number") throw new BadInput("eventIntent must be a number");
    const data = b["eventData"];
    if (data !== undefined && (typeof data !== "object" || data === null || Array.isArray(data)))
      throw new BadInput("eventData must be an object");
    sim.emitEvent(text(b, "eventType"), intent, data as Record<string, unknown> | undefined);
    return ok;
  },
  "POST not-ready": (sim, b) => (sim.setNotReady(flag(b, "on")), ok),
  "POST faults": (sim, b) => {
    const times = b["times"];
    if (times !== undefined && (typeof times !== "number" || times < 1))
      throw new BadInput("times must be a positive number");
    sim.inject(fault(b["fault"]), times === undefined ? {} : { times });
    return ok;
  },
  "DELETE faults": (sim) => (sim.clearFaults(), ok),
  "POST freeze": (sim) => (sim.freeze(), ok),
  "POST kick": (sim, b) => {
    const code = b["code"] === undefined ? undefined : b["code"];
    if (code !== undefined && (typeof code !== "number" || code < 1000 || code > 4999))
      throw new BadInput("code must be a close code 1000-4999");
    sim.kickAll(code, typeof b["reason"] === "string" ? b["reason"] : undefined);
    return ok;
  },
  "POST stop": async (sim) => (await sim.stop(), ok),
  "POST start": async (sim, b) => {
    const ms = b["notReadyMs"];
    await sim.start(typeof ms === "number" ? { notReadyMs: ms } : {});
    return ok;
  },
  "POST crash": async (sim) => (await sim.crash(), ok),
  "POST restart-server": async (sim) => (await sim.restartServer(), ok),
};

/**
 * Serves the JSON control API on its own port (so it stays reachable while "OBS" is closed):
 * `GET /__sim/state`, `POST /__sim/scene {"name":"BRB"}`, `POST /__sim/stop`, ... (see the docs).
 */
export async function startObsControl(
  sim: ObsSimulator,
  options: ResolvedObsOptions,
): Promise<ObsControl> {
  const server = createServer((req, res) => {
    route(sim, req, res).catch((error: unknown) => send(res, 500, { error: String(error) }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.controlPort, options.host, () => resolve());
  });
  const host = options.host === "0.0.0.0" || options.host === "::" ? "127.0.0.1" : options.host;
  return {
    url: `http://${host}:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function route(sim: ObsSimulator, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(`http://simulator${req.url ?? "/"}`);
  if (!url.pathname.startsWith(OBS_CONTROL_PREFIX)) return send(res, 404, { error: "not found" });
  const name = url.pathname.slice(OBS_CONTROL_PREFIX.length).replace(/\/$/, "");
  const handler = ROUTES[`${req.method ?? ""} ${name}`];
  if (handler === undefined)
    return send(res, 404, { error: `no route ${req.method} ${url.pathname}` });
  try {
    const body = req.method === "POST" ? await readBody(req) : {};
    send(res, 200, await handler(sim, body));
  } catch (error) {
    if (error instanceof BadInput) return send(res, 400, { error: error.message });
    if (error instanceof ObsRequestError)
      return send(res, 409, { error: error.comment, code: error.code });
    throw error;
  }
}

async function readBody(req: IncomingMessage): Promise<Body> {
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  const text = Buffer.concat(chunks).toString("utf8").trim();
  if (text === "") return {};
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new BadInput("body is not valid JSON");
  }
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw new BadInput("body must be a JSON object");
  return body as Body;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "Content-Type": "application/json; charset=utf-8" });
  res.end(JSON.stringify(body));
}

function text(b: Body, key: string): string {
  const value = b[key];
  if (typeof value !== "string" || value === "") throw new BadInput(`${key} must be a string`);
  return value;
}

function flag(b: Body, key: string): boolean {
  const value = b[key];
  if (typeof value !== "boolean") throw new BadInput(`${key} must be true or false`);
  return value;
}

function itemRef(b: Body): number | string {
  const value = b["item"];
  if (typeof value === "number" && Number.isInteger(value)) return value;
  if (typeof value === "string" && value !== "") return value;
  throw new BadInput("item must be a scene item id or a source name");
}

function fault(value: unknown): ObsFault {
  const kind = (value as { kind?: unknown } | null)?.kind;
  if (kind === "silent-hello" || kind === "no-subprotocol") return { kind };
  if (kind === "hang-requests") {
    const types = (value as { requestTypes?: unknown }).requestTypes;
    if (types === undefined) return { kind };
    if (!Array.isArray(types) || !types.every((t) => typeof t === "string"))
      throw new BadInput("fault.requestTypes must be a list of request types");
    return { kind, requestTypes: types as string[] };
  }
  throw new BadInput("fault.kind must be silent-hello, no-subprotocol or hang-requests");
}
