import { isUtf8 } from "node:buffer";
import WebSocket, { type RawData } from "ws";
import { SessionLostError } from "./errors.js";
import { messageSchema, sessionSchema, type WireMessage } from "./upstream.js";

/** Largest frame accepted (a chat message with every fragment is far below this). */
const MAX_FRAME_BYTES = 4 * 1024 * 1024;

/** What the welcome said about the session. */
export interface SessionInfo {
  readonly id: string;
  readonly keepaliveS: number;
  readonly connectedAt: string;
}

/** A text frame that is not session housekeeping (notification, revocation, or garbage). */
export interface IncomingFrame {
  readonly raw: string | Uint8Array;
  /** The parsed envelope; undefined when the frame is not a valid EventSub message. */
  readonly message: WireMessage | undefined;
  readonly receivedAt: number;
  readonly receivedTime: Date;
}

/** Why a connection ended after its welcome. */
export interface ConnectionEnd {
  /** `castbus_upstream_requests_total` outcome: `close_4003`, `keepalive_timeout`, `closed_by_us`. */
  readonly outcome: string;
  readonly message: string;
}

/** Settings of one connection. */
export interface ConnectionOptions {
  readonly url: string;
  /** Give up when no welcome arrives within this long. */
  readonly welcomeTimeoutMs: number;
  readonly onFrame: (frame: IncomingFrame) => void;
}

/**
 * The keepalive watchdog allows the announced timeout plus 20 % (twurple's margin) plus a
 * second for timer and network jitter, and restarts on every frame (§2.2).
 */
export function watchdogMs(keepaliveS: number): number {
  return Math.ceil(keepaliveS * 1200) + 1000;
}

/**
 * One EventSub WebSocket connection. {@link open} resolves once `session_welcome` arrived;
 * afterwards `ended` says why it stopped (a close code, a missed keepalive) and `reconnectUrl`
 * resolves when Twitch asks to move. The client never sends a data frame (that is close 4001);
 * `ws` answers pings by itself.
 */
export class EventSubConnection {
  readonly #socket: WebSocket;
  readonly #options: ConnectionOptions;
  #session: SessionInfo | undefined;
  #watchdog: NodeJS.Timeout | undefined;
  #closingByUs = false;
  #welcomed!: { resolve: (s: SessionInfo) => void; reject: (e: Error) => void };
  #end!: (end: ConnectionEnd) => void;
  #reconnect!: (url: string) => void;
  /** Resolves (once) when the connection is gone. */
  readonly ended: Promise<ConnectionEnd>;
  /** Resolves with `reconnect_url` when a `session_reconnect` arrives. */
  readonly reconnectUrl: Promise<string>;

  private constructor(options: ConnectionOptions) {
    this.#options = options;
    this.ended = new Promise((resolve) => (this.#end = resolve));
    this.reconnectUrl = new Promise((resolve) => (this.#reconnect = resolve));
    this.#socket = new WebSocket(options.url, {
      perMessageDeflate: false,
      handshakeTimeout: options.welcomeTimeoutMs,
      // EventSub messages are a few KiB; a runaway frame must not fill memory.
      maxPayload: MAX_FRAME_BYTES,
      // A text frame that is not UTF-8 is dead-lettered with its bytes, not a reason to drop the
      // session (and every notification sent while it is down).
      skipUTF8Validation: true,
    });
  }

  /** Connects to `url` and waits for the welcome. Throws {@link SessionLostError}. */
  static async open(options: ConnectionOptions): Promise<EventSubConnection> {
    const connection = new EventSubConnection(options);
    await connection.#start();
    return connection;
  }

  /** The session this connection carries. */
  get session(): SessionInfo {
    return this.#session!;
  }

  /** Closes on purpose (normal close 1000); `ended` then reports `closed_by_us`. */
  close(): void {
    this.#closingByUs = true;
    clearTimeout(this.#watchdog);
    if (this.#socket.readyState === WebSocket.CONNECTING) this.#socket.terminate();
    else this.#socket.close(1000, "client disconnected");
  }

  #start(): Promise<SessionInfo> {
    const welcomed = new Promise<SessionInfo>((resolve, reject) => {
      this.#welcomed = { resolve, reject };
    });
    const timer = setTimeout(() => {
      this.#fail(new SessionLostError("no session_welcome in time", "welcome_timeout"));
    }, this.#options.welcomeTimeoutMs);
    this.#socket.on("message", (data, isBinary) => this.#onMessage(data, isBinary));
    this.#socket.on("close", (code, reason) => this.#onClose(code, reason.toString()));
    this.#socket.on("error", (error) => {
      if (this.#session === undefined) {
        this.#fail(new SessionLostError(`cannot connect: ${error.message}`, "connect_failed"));
      }
    });
    return welcomed.finally(() => clearTimeout(timer));
  }

  #fail(error: SessionLostError): void {
    this.#welcomed.reject(error);
    this.#socket.terminate();
  }

  #onMessage(data: RawData, isBinary: boolean): void {
    const receivedAt = performance.now();
    const receivedTime = new Date();
    this.#armWatchdog();
    const bytes = toBytes(data);
    const text = !isBinary && isUtf8(bytes);
    const raw = text ? bytes.toString("utf8") : bytes;
    const message = text ? parse(raw as string) : undefined;
    switch (message?.metadata.message_type) {
      case "session_welcome":
        return this.#onWelcome(message);
      case "session_keepalive":
        return;
      case "session_reconnect": {
        const session = sessionSchema.safeParse(message.payload["session"]);
        if (session.success && session.data.reconnect_url !== null) {
          return this.#reconnect(session.data.reconnect_url);
        }
        break;
      }
    }
    this.#options.onFrame({ raw, message, receivedAt, receivedTime });
  }

  #onWelcome(message: WireMessage): void {
    if (this.#session !== undefined) return; // a repeated welcome changes nothing
    const session = sessionSchema.safeParse(message.payload["session"]);
    if (!session.success) {
      this.#fail(new SessionLostError("malformed session_welcome", "invalid_welcome"));
      return;
    }
    this.#session = {
      id: session.data.id,
      keepaliveS: session.data.keepalive_timeout_seconds ?? 10,
      connectedAt: session.data.connected_at,
    };
    this.#armWatchdog();
    this.#welcomed.resolve(this.#session);
  }

  #armWatchdog(): void {
    if (this.#session === undefined || this.#closingByUs) return;
    clearTimeout(this.#watchdog);
    const ms = watchdogMs(this.#session.keepaliveS);
    this.#watchdog = setTimeout(() => {
      this.#end({
        outcome: "keepalive_timeout",
        message: `no message for ${ms} ms (keepalive_timeout_seconds ${this.#session!.keepaliveS})`,
      });
      this.#socket.terminate();
    }, ms);
  }

  #onClose(code: number, reason: string): void {
    clearTimeout(this.#watchdog);
    if (this.#session === undefined) {
      const text = `closed before the welcome: ${code} ${reason}`.trim();
      this.#welcomed.reject(new SessionLostError(text, `close_${code}`));
      return;
    }
    this.#end(
      this.#closingByUs
        ? { outcome: "closed_by_us", message: "closed by the ingester" }
        : { outcome: `close_${code}`, message: `${code} ${reason}`.trim() },
    );
  }
}

function parse(text: string): WireMessage | undefined {
  try {
    const parsed = messageSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function toBytes(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  return Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
}

/** What each way of losing a session usually means (logged with it). */
export const ENDING_HINTS: Readonly<Record<string, string>> = {
  close_4000: "Twitch internal server error",
  close_4001: "Twitch says we sent data; the client must only receive (bug)",
  close_4002: "we did not answer a ping in time",
  close_4003: "no subscription was created within the deadline after the welcome",
  close_4004: "the reconnect hand-off did not finish within the grace time",
  close_4005: "network timeout",
  close_4006: "network error",
  close_4007: "the reconnect URL was rejected",
  keepalive_timeout: "neither a keepalive nor a notification arrived in time",
  connect_failed: "the EventSub endpoint cannot be reached",
  welcome_timeout: "the server accepted the socket but sent no welcome",
};
