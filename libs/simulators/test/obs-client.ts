import WebSocket from "ws";
import { authenticationString } from "../src/obs/index.js";

/** One server message. */
export interface Frame {
  op: number;
  d: Record<string, unknown>;
}

/** A bare obs-websocket test client: raw frames in, raw frames out, nothing hidden. */
export interface RawClient {
  readonly ws: WebSocket;
  readonly frames: Frame[];
  readonly texts: string[];
  readonly closed: Promise<{ code: number; reason: string }>;
  /** Resolves with the first (already received or future) frame `match` accepts. */
  next(match: (frame: Frame) => boolean, timeoutMs?: number): Promise<Frame>;
  send(value: unknown): void;
}

/** Opens a socket with the given subprotocols; resolves once open. */
export async function openRaw(
  url: string,
  protocols: string[] = ["obswebsocket.json"],
): Promise<RawClient> {
  const ws = new WebSocket(url, protocols);
  const frames: Frame[] = [];
  const texts: string[] = [];
  const watchers = new Set<() => void>();
  ws.on("message", (data: Buffer) => {
    texts.push(data.toString());
    frames.push(JSON.parse(data.toString()) as Frame);
    for (const watch of watchers) watch();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on("close", (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  return {
    ws,
    frames,
    texts,
    closed,
    send: (value) => ws.send(typeof value === "string" ? value : JSON.stringify(value)),
    next: (match, timeoutMs = 2000) =>
      new Promise((resolve, reject) => {
        let seen = 0;
        const check = () => {
          for (; seen < frames.length; seen++) {
            if (match(frames[seen]!)) {
              cleanup();
              resolve(frames[seen]!);
              return;
            }
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no matching frame within ${timeoutMs} ms`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          watchers.delete(check);
        };
        watchers.add(check);
        check();
      }),
  };
}

/** A client that has identified (with `password` when the server asks for one). */
export interface ObsTestClient extends RawClient {
  readonly hello: Record<string, unknown>;
  /** Sends a request and resolves with the whole RequestResponse `d`. */
  request(requestType: string, requestData?: unknown): Promise<Record<string, unknown>>;
  /** Event frames received so far (`d` of op 5). */
  events(): Record<string, unknown>[];
}

let requestIds = 0;

/** Opens, reads Hello, identifies, waits for Identified. */
export async function connectClient(
  url: string,
  options: { password?: string; eventSubscriptions?: number } = {},
): Promise<ObsTestClient> {
  const raw = await openRaw(url);
  const hello = (await raw.next((f) => f.op === 0)).d;
  const auth = hello["authentication"] as { challenge: string; salt: string } | undefined;
  raw.send({
    op: 1,
    d: {
      rpcVersion: 1,
      ...(options.eventSubscriptions === undefined
        ? {}
        : { eventSubscriptions: options.eventSubscriptions }),
      ...(auth === undefined || options.password === undefined
        ? {}
        : { authentication: authenticationString(options.password, auth.salt, auth.challenge) }),
    },
  });
  await raw.next((f) => f.op === 2);
  return {
    ...raw,
    hello,
    request: async (requestType, requestData) => {
      const requestId = `r${++requestIds}`;
      raw.send({
        op: 6,
        d: { requestType, requestId, ...(requestData === undefined ? {} : { requestData }) },
      });
      return (await raw.next((f) => f.op === 7 && f.d["requestId"] === requestId)).d;
    },
    events: () => raw.frames.filter((f) => f.op === 5).map((f) => f.d),
  };
}
