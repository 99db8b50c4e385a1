import WebSocket from "ws";
import {
  ALL_SCOPES,
  startTwitchSimulator,
  type TwitchSimulator,
  type TwitchSimulatorOptions,
  type WireMessage,
} from "../src/twitch/index.js";

export const CLIENT_ID = "gp762nuuoqcoxypju8c569th9wz7q5";
export const CLIENT_SECRET = "k0s9vbw2y1xq8mz3n4p5r6t7u8v9w0";
export const TOKEN = "jostpf5q0uzmxmkba9iyug38kjtgh2";
export const REFRESH = "eyqjw8g3rkc2m1n0p9o8i7u6y5t4r3e2w1q0a9s8d7f6g5h4j3";
export const STREAMER = { id: "12826", login: "cool_streamer", displayName: "Cool_Streamer" };
export const OTHER = { id: "141981764", login: "other_channel", displayName: "Other_Channel" };
export const MOD = { id: "5000", login: "mod_mia", displayName: "Mod_Mia" };

/** A simulator with one client, the streamer (moderated by MOD), another channel and a token. */
export function startSim(options: TwitchSimulatorOptions = {}): Promise<TwitchSimulator> {
  return startTwitchSimulator({
    clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }],
    users: [{ ...STREAMER, moderators: [MOD.id] }, OTHER, MOD],
    tokens: [
      {
        accessToken: TOKEN,
        refreshToken: REFRESH,
        userId: STREAMER.id,
        clientId: CLIENT_ID,
        scopes: ALL_SCOPES,
      },
    ],
    keepaliveMinS: 1,
    keepaliveDefaultS: 1,
    pingIntervalMs: 0,
    ...options,
  });
}

/** A raw EventSub client that records every message and the close. */
export class TestClient {
  readonly messages: WireMessage[] = [];
  /** Every frame as text, malformed ones included. */
  readonly raw: string[] = [];
  readonly socket: WebSocket;
  closed: { code: number; reason: string } | undefined;
  readonly opened: Promise<void>;

  constructor(url: string, options: { autoPong?: boolean } = {}) {
    this.socket = new WebSocket(url, { autoPong: options.autoPong ?? true });
    this.socket.on("message", (data) => {
      const text = String(data);
      this.raw.push(text);
      try {
        this.messages.push(JSON.parse(text) as WireMessage);
      } catch {
        // kept in `raw` only (malformed-frame tests)
      }
    });
    this.socket.on("close", (code, reason) => (this.closed = { code, reason: reason.toString() }));
    this.socket.on("error", () => undefined);
    this.opened = new Promise((resolve, reject) => {
      this.socket.once("open", () => resolve());
      this.socket.once("unexpected-response", (_req, res) =>
        reject(new Error(`upgrade refused: ${res.statusCode}`)),
      );
      this.socket.once("error", reject);
    });
  }

  /** Resolves with the first message of `type` after index `from`. */
  async next(type: string, from = 0, timeoutMs = 5000): Promise<WireMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.slice(from).find((m) => m.metadata.message_type === type);
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(`no ${type} within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Resolves with the `n`-th (0-based) message of `type`. */
  async nth(type: string, n: number, timeoutMs = 5000): Promise<WireMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.of(type)[n];
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(`no ${type} #${n} within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** The session id of the welcome. */
  async sessionId(): Promise<string> {
    const welcome = await this.next("session_welcome");
    return (welcome.payload["session"] as { id: string }).id;
  }

  /** Resolves once the socket closed. */
  async closedWith(timeoutMs = 5000): Promise<{ code: number; reason: string }> {
    const deadline = Date.now() + timeoutMs;
    while (this.closed === undefined) {
      if (Date.now() > deadline) throw new Error(`not closed within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
    return this.closed;
  }

  of(type: string): WireMessage[] {
    return this.messages.filter((m) => m.metadata.message_type === type);
  }

  close(): void {
    this.socket.close(1000);
  }
}

/** Options of {@link helix}. */
export interface HelixCall {
  readonly method?: string;
  readonly body?: unknown;
  readonly token?: string | null;
  readonly clientId?: string | null;
}

/** Calls a Helix path on the simulator with the test token unless told otherwise. */
export async function helix(sim: TwitchSimulator, path: string, call: HelixCall = {}) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  const token = call.token === undefined ? TOKEN : call.token;
  if (token !== null) headers["authorization"] = `Bearer ${token}`;
  const clientId = call.clientId === undefined ? CLIENT_ID : call.clientId;
  if (clientId !== null) headers["client-id"] = clientId;
  const res = await fetch(`${sim.apiUrl}${path}`, {
    method: call.method ?? "GET",
    headers,
    ...(call.body === undefined ? {} : { body: JSON.stringify(call.body) }),
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    json: (text === "" ? {} : JSON.parse(text)) as Record<string, unknown> & {
      data: Record<string, unknown>[];
      message?: string;
    },
  };
}

/** Creates a subscription on `sessionId` (condition defaults to the streamer). */
export function subscribe(
  sim: TwitchSimulator,
  sessionId: string,
  type: string,
  version: string,
  condition: Record<string, string> = { broadcaster_user_id: STREAMER.id },
  call: HelixCall = {},
) {
  return helix(sim, "/eventsub/subscriptions", {
    ...call,
    method: "POST",
    body: { type, version, condition, transport: { method: "websocket", session_id: sessionId } },
  });
}

/** A connected client with its session id. */
export async function connect(sim: TwitchSimulator, query = "") {
  const client = new TestClient(`${sim.eventsubUrl}${query}`);
  await client.opened;
  return { client, sessionId: await client.sessionId() };
}

/** Waits `ms`. */
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
