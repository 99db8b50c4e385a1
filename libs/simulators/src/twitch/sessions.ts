import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import { Connection, type ConnectionInfo } from "./connection.js";
import type { SessionView } from "./subscriptions.js";
import { CLOSE_STATUS, message, sessionId as newSessionId, type WireMessage } from "./wire.js";

/** Session behaviour settings (see `TwitchSimulatorOptions`). */
export interface SessionSettings {
  readonly keepaliveMinS: number;
  readonly keepaliveMaxS: number;
  readonly keepaliveDefaultS: number;
  /** undefined: the session's keepalive timeout, as the docs say. */
  readonly subscribeDeadlineMs: number | undefined;
  readonly pingIntervalMs: number;
  readonly reconnectGraceMs: number;
  readonly reconnectKeepsSessionId: boolean;
  /** After a hand-off, also deliver to the old socket while it stays open. */
  readonly overlapDelivery: boolean;
  /** Origin for `reconnect_url` (`ws://host:port`); default: the request's Host. */
  readonly publicWsUrl: string | undefined;
}

/** What happens to subscriptions when sessions change. */
export interface SessionEvents {
  /** The session's last connection closed: its subscriptions become `status`. */
  ended(sessionId: string, status: string): void;
  /** A hand-off gave the session a new id. */
  moved(from: string, to: string, connectedAt: string): void;
}

/** Selects connections: one session id, or every open one. */
export interface SessionFilter {
  readonly sessionId?: string;
}

/**
 * Every EventSub WebSocket connection: the upgrade on `/ws`, fresh sessions (welcome +
 * subscribe deadline), reconnect hand-offs through `reconnect_url` (the old socket keeps
 * delivering until the new welcome, then must be closed by the client or gets 4004 after the
 * grace period), and which connection currently delivers for each session id.
 */
export class SessionHub implements SessionView {
  readonly #settings: SessionSettings;
  readonly #events: SessionEvents;
  readonly #wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  readonly #active = new Map<string, Connection>();
  readonly #all: Connection[] = [];
  readonly #challenges = new Map<string, Connection>();

  constructor(settings: SessionSettings, events: SessionEvents) {
    this.#settings = settings;
    this.#events = events;
  }

  /** Handles an HTTP upgrade; anything but `/ws` gets 404, a bad keepalive value 400. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(`http://simulator${req.url ?? "/"}`);
    if (url.pathname !== "/ws") return refuseUpgrade(socket, 404);
    const challenge = url.searchParams.get("challenge");
    const keepalive = this.#keepalive(url.searchParams.get("keepalive_timeout_seconds"));
    if (challenge === null && keepalive === undefined) return refuseUpgrade(socket, 400);
    this.#wss.handleUpgrade(req, socket, head, (ws) => {
      if (challenge !== null) this.#takeOver(ws, challenge, url.searchParams.get("id"));
      else this.#fresh(ws, keepalive!, originOf(req));
    });
  }

  /** Sends a message on the connection(s) delivering for `sessionId`; false when none took it. */
  deliver(sessionId: string, msg: WireMessage): boolean {
    const active = this.#active.get(sessionId);
    let sent = active?.send(msg) ?? false;
    if (this.#settings.overlapDelivery && active !== undefined) {
      for (const old of this.#all) {
        if (old !== active && old.sessionId === sessionId && old.open) sent = old.send(msg) || sent;
      }
    }
    return sent;
  }

  /** Sends raw text on matching connections; returns how many took it. */
  sendRaw(text: string | Uint8Array, filter: SessionFilter = {}): number {
    return this.#select(filter).filter((conn) => conn.sendRaw(text)).length;
  }

  /** Sends `session_reconnect` on matching connected sessions; returns the reconnect URLs. */
  reconnect(filter: SessionFilter = {}): string[] {
    return this.#select(filter)
      .filter((conn) => conn.status === "connected")
      .map((conn) => {
        const challenge = randomUUID();
        this.#challenges.set(challenge, conn);
        conn.status = "reconnecting";
        const url = `${conn.origin}/ws?challenge=${challenge}&id=${encodeURIComponent(conn.sessionId)}`;
        conn.send(
          message("session_reconnect", {
            session: {
              id: conn.sessionId,
              status: "reconnecting",
              keepalive_timeout_seconds: null,
              reconnect_url: url,
              connected_at: conn.connectedAt,
            },
          }),
        );
        conn.after(this.#settings.reconnectGraceMs, () => conn.closeWith(4004));
        return url;
      });
  }

  /** Closes matching connections with `code` (or resets them when `code` is `"drop"`). */
  close(code: number | "drop", filter: SessionFilter = {}): number {
    const targets = this.#select(filter);
    for (const conn of targets) {
      if (code === "drop") conn.drop();
      else conn.closeWith(code);
    }
    return targets.length;
  }

  /** Stops (or resumes) all traffic on matching connections: the silent-stall fault. */
  stall(stalled: boolean, filter: SessionFilter = {}): number {
    const targets = this.#select(filter);
    for (const conn of targets) conn.stalled = stalled;
    return targets.length;
  }

  isOpen(sessionId: string): boolean {
    return this.#active.get(sessionId)?.open === true;
  }

  connectedAt(sessionId: string): string {
    return this.#active.get(sessionId)?.connectedAt ?? "";
  }

  markUsed(sessionId: string): void {
    const conn = this.#active.get(sessionId);
    if (conn !== undefined) conn.used = true;
  }

  /** Every connection ever accepted, oldest first. */
  connections(): ConnectionInfo[] {
    return this.#all.map((conn) => conn.info());
  }

  /** Terminates every connection. */
  closeAll(): void {
    for (const conn of this.#all) conn.drop();
    this.#wss.close();
  }

  #fresh(ws: WebSocket, keepaliveS: number, origin: string): void {
    const conn = this.#accept(ws, newSessionId(), keepaliveS, origin);
    this.#active.set(conn.sessionId, conn);
    conn.welcome();
  }

  #takeOver(ws: WebSocket, challenge: string, id: string | null): void {
    const old = this.#challenges.get(challenge);
    this.#challenges.delete(challenge);
    if (old === undefined || old.closed || old.sessionId !== id) {
      const conn = this.#accept(ws, newSessionId(), this.#settings.keepaliveDefaultS, "");
      conn.closeWith(4007);
      return;
    }
    const sessionId = this.#settings.reconnectKeepsSessionId ? old.sessionId : newSessionId();
    const conn = this.#accept(ws, sessionId, old.timing.keepaliveS, old.origin, old);
    conn.used = true;
    if (sessionId !== old.sessionId) {
      this.#active.delete(old.sessionId);
      this.#events.moved(old.sessionId, sessionId, conn.connectedAt);
    }
    this.#active.set(sessionId, conn);
    conn.welcome();
  }

  #accept(
    ws: WebSocket,
    sessionId: string,
    keepaliveS: number,
    origin: string,
    replaces?: Connection,
  ): Connection {
    const conn = new Connection(
      ws,
      sessionId,
      {
        keepaliveS,
        subscribeDeadlineMs: this.#settings.subscribeDeadlineMs ?? keepaliveS * 1000,
        pingIntervalMs: this.#settings.pingIntervalMs,
      },
      replaces?.key,
    );
    conn.origin = this.#settings.publicWsUrl ?? origin;
    conn.onClosed = (closed) => this.#closed(closed);
    this.#all.push(conn);
    return conn;
  }

  #closed(conn: Connection): void {
    for (const [challenge, old] of this.#challenges) {
      if (old === conn) this.#challenges.delete(challenge);
    }
    if (this.#active.get(conn.sessionId) !== conn) return; // handed off: its subscriptions moved on
    this.#active.delete(conn.sessionId);
    const code = conn.serverCode;
    const status =
      code === undefined
        ? "websocket_disconnected"
        : code === "drop"
          ? "websocket_network_error"
          : (CLOSE_STATUS[code] ?? "websocket_disconnected");
    this.#events.ended(conn.sessionId, status);
  }

  #select(filter: SessionFilter): Connection[] {
    return this.#all.filter(
      (conn) =>
        conn.open && (filter.sessionId === undefined || conn.sessionId === filter.sessionId),
    );
  }

  /** The keepalive a fresh connection asked for, clamped; undefined when not a number. */
  #keepalive(value: string | null): number | undefined {
    const { keepaliveMinS: min, keepaliveMaxS: max, keepaliveDefaultS } = this.#settings;
    if (value === null) return keepaliveDefaultS;
    if (!/^-?\d+$/.test(value.trim())) return undefined;
    return Math.min(max, Math.max(min, Number(value)));
  }
}

function originOf(req: IncomingMessage): string {
  return `ws://${req.headers.host ?? "127.0.0.1"}`;
}

function refuseUpgrade(socket: Duplex, status: 400 | 404): void {
  const text = status === 400 ? "Bad Request" : "Not Found";
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
