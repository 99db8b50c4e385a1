import type { WebSocket } from "ws";
import { CLOSE_REASONS, message, nanoTimestamp, type WireMessage } from "./wire.js";

/** Timing of one connection. */
export interface ConnectionTiming {
  readonly keepaliveS: number;
  /** A fresh session with no subscription after this long is closed with 4003; undefined: never. */
  readonly subscribeDeadlineMs: number | undefined;
  /** Ping cadence; a ping unanswered by the next one closes with 4002. 0 disables pings. */
  readonly pingIntervalMs: number;
}

/** What the control API and tests see of a connection. */
export interface ConnectionInfo {
  /** Counts up per accepted socket, so two connections of one session id can be told apart. */
  readonly connection: number;
  readonly sessionId: string;
  readonly status: "connected" | "reconnecting" | "closed";
  readonly connectedAt: string;
  readonly keepaliveTimeoutSeconds: number;
  /** Reconnect hand-off: the connection this one took over from. */
  readonly replaces?: number;
  readonly stalled: boolean;
  /** Close code and who sent it, once closed (`drop` = TCP reset without a close frame). */
  readonly closeCode?: number | "drop";
  readonly closedBy?: "server" | "client";
}

let counter = 0;

/**
 * One accepted EventSub WebSocket. Sends only text frames, one JSON object each; sends a
 * keepalive after `keepaliveS` without any message (production semantics, not a fixed ticker);
 * pings and closes 4002 when a pong does not come back; closes 4001 on any data frame from the
 * client. A stalled connection sends nothing at all (the silent-stall fault).
 */
export class Connection {
  readonly key = ++counter;
  readonly connectedAt = nanoTimestamp(new Date());
  readonly socket: WebSocket;
  readonly timing: ConnectionTiming;
  readonly replaces: number | undefined;
  sessionId: string;
  /** `ws://host:port` the client reached us on; `reconnect_url`s are built from it. */
  origin = "";
  status: "connected" | "reconnecting" = "connected";
  /** A subscription exists (or was carried over): no 4003. */
  used = false;
  stalled = false;
  closed = false;
  /** Set when the server closes it; otherwise the client did. */
  serverCode: number | "drop" | undefined;
  #closeCode: number | "drop" | undefined;
  #keepalive: NodeJS.Timeout | undefined;
  readonly #timers: NodeJS.Timeout[] = [];
  #awaitingPong = false;

  constructor(socket: WebSocket, sessionId: string, timing: ConnectionTiming, replaces?: number) {
    this.socket = socket;
    this.sessionId = sessionId;
    this.timing = timing;
    this.replaces = replaces;
    socket.on("message", () => this.closeWith(4001));
    socket.on("pong", () => (this.#awaitingPong = false));
    socket.on("close", (code) => this.#onClose(code));
    socket.on("error", () => undefined); // a reset surfaces as close
    if (timing.pingIntervalMs > 0) this.#every(timing.pingIntervalMs, () => this.#ping());
    this.#scheduleKeepalive();
  }

  /** Whether the socket can still carry messages. */
  get open(): boolean {
    return !this.closed && this.socket.readyState === this.socket.OPEN;
  }

  /** Sends `welcome` and, for a fresh session, starts the subscribe deadline. */
  welcome(): WireMessage {
    const welcome = message("session_welcome", {
      session: {
        id: this.sessionId,
        status: "connected",
        connected_at: this.connectedAt,
        keepalive_timeout_seconds: this.timing.keepaliveS,
        reconnect_url: null,
      },
    });
    this.send(welcome);
    const deadline = this.timing.subscribeDeadlineMs;
    if (deadline !== undefined && !this.used) {
      this.#after(deadline, () => {
        if (!this.used) this.closeWith(4003);
      });
    }
    return welcome;
  }

  /** Sends one message (false when closed or stalled); resets the keepalive timer. */
  send(msg: WireMessage): boolean {
    if (!this.open || this.stalled) return false;
    this.socket.send(JSON.stringify(msg));
    this.#scheduleKeepalive();
    return true;
  }

  /** Sends raw text (or bytes, as a text frame) as one frame (malformed-frame faults). */
  sendRaw(text: string | Uint8Array): boolean {
    if (!this.open || this.stalled) return false;
    this.socket.send(text, { binary: false });
    this.#scheduleKeepalive();
    return true;
  }

  /** Schedules `fn` after `ms`, cancelled when the connection closes. */
  after(ms: number, fn: () => void): void {
    this.#after(ms, fn);
  }

  /** Closes with an EventSub code and its reason text. */
  closeWith(code: number, reason = CLOSE_REASONS[code] ?? ""): void {
    if (this.closed || this.serverCode !== undefined) return;
    this.serverCode = code;
    this.socket.close(code, reason);
  }

  /** Resets the TCP connection without a close frame. */
  drop(): void {
    if (this.closed) return;
    this.serverCode = "drop";
    this.socket.terminate();
  }

  info(): ConnectionInfo {
    const closeCode = this.#closeCode;
    return {
      connection: this.key,
      sessionId: this.sessionId,
      status: this.closed ? "closed" : this.status,
      connectedAt: this.connectedAt,
      keepaliveTimeoutSeconds: this.timing.keepaliveS,
      ...(this.replaces === undefined ? {} : { replaces: this.replaces }),
      stalled: this.stalled,
      ...(closeCode === undefined
        ? {}
        : { closeCode, closedBy: this.serverCode === undefined ? "client" : "server" }),
    };
  }

  /** Called once the socket closed, with the code the client saw. */
  onClosed: (conn: Connection) => void = () => undefined;

  #onClose(code: number): void {
    if (this.closed) return;
    this.closed = true;
    this.#closeCode = this.serverCode ?? code;
    clearTimeout(this.#keepalive);
    for (const timer of this.#timers) clearTimeout(timer);
    this.onClosed(this);
  }

  #ping(): void {
    if (!this.open || this.stalled) return;
    if (this.#awaitingPong) {
      this.closeWith(4002);
      return;
    }
    this.#awaitingPong = true;
    this.socket.ping();
  }

  #scheduleKeepalive(): void {
    clearTimeout(this.#keepalive);
    if (this.closed) return;
    this.#keepalive = setTimeout(() => {
      if (!this.stalled) this.send(message("session_keepalive", {}));
      else this.#scheduleKeepalive();
    }, this.timing.keepaliveS * 1000);
  }

  #after(ms: number, fn: () => void): void {
    this.#timers.push(setTimeout(fn, ms));
  }

  #every(ms: number, fn: () => void): void {
    const timer = setInterval(fn, ms);
    this.#timers.push(timer);
  }
}
