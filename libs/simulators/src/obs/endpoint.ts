import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import { JSON_SUBPROTOCOL } from "./protocol.js";
import {
  ObsSession,
  type ObsConnectionRecord,
  type SessionFaults,
  type SessionHost,
} from "./session.js";

/** A connection-level fault for the next connections (see `inject`). */
export type ObsFault =
  | { readonly kind: "silent-hello" }
  | { readonly kind: "no-subprotocol" }
  | { readonly kind: "hang-requests"; readonly requestTypes?: readonly string[] };

interface QueuedFault {
  fault: ObsFault;
  times: number;
}

/** How long a graceful close waits for clients to answer the close frame before dropping them. */
const CLOSE_GRACE_MS = 1000;

/**
 * The obs-websocket listening socket: opens and closes like the real server (OBS started,
 * exited, crashed, server restarted from its settings), keeps the sessions, and applies queued
 * connection faults. A new salt is drawn every time it starts listening, as `Start()` does.
 */
export class ObsEndpoint {
  readonly connections: ObsConnectionRecord[] = [];
  readonly #sessions = new Set<ObsSession>();
  readonly #faults: QueuedFault[] = [];
  readonly #options: { host: string; connectionLogSize: number };
  readonly #hostFor: (salt: string) => SessionHost;
  #server: Server | undefined;
  #wss: WebSocketServer | undefined;
  #port: number;
  #salt = "";

  constructor(
    port: number,
    options: { host: string; connectionLogSize: number },
    hostFor: (salt: string) => SessionHost,
  ) {
    this.#port = port;
    this.#options = options;
    this.#hostFor = hostFor;
  }

  get port(): number {
    return this.#port;
  }

  get listening(): boolean {
    return this.#server !== undefined;
  }

  /** Sessions whose socket is open. */
  get sessions(): readonly ObsSession[] {
    return [...this.#sessions];
  }

  /** Starts listening (on the port it had before, once it has one). */
  async listen(): Promise<void> {
    if (this.#server !== undefined) return;
    this.#salt = randomBytes(32).toString("base64");
    const pending = new WeakMap<IncomingMessage, SessionFaults & { noSubprotocol?: boolean }>();
    const wss = new WebSocketServer({
      noServer: true,
      // The first name the fake knows in the client's order; none matched means JSON, no header.
      handleProtocols: (protocols, req) =>
        pending.get(req)?.noSubprotocol !== true && protocols.has(JSON_SUBPROTOCOL)
          ? JSON_SUBPROTOCOL
          : false,
    });
    const server = createServer((_req, res) => {
      res.writeHead(426, { "Content-Type": "text/plain" }).end("obs-websocket: upgrade required\n");
    });
    server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      pending.set(req, this.#takeFaults());
      wss.handleUpgrade(req, socket, head, (ws) => this.#open(ws, pending.get(req) ?? {}));
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.#port, this.#options.host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    this.#port = (server.address() as AddressInfo).port;
    this.#server = server;
    this.#wss = wss;
  }

  /** Queues a fault for the next `times` connections, after the faults queued before it. */
  inject(fault: ObsFault, times: number): void {
    this.#faults.push({ fault, times });
  }

  clearFaults(): void {
    this.#faults.length = 0;
  }

  /**
   * Stops listening (new connects are refused). `close` sends that code to every session and
   * drops whoever has not answered within a second; `terminate` drops everyone at once (1006).
   */
  async shutDown(how: { close: [number, string] } | { terminate: true }): Promise<void> {
    const server = this.#server;
    if (server === undefined) return;
    this.#server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections(); // plain HTTP keep-alives; WebSocket sessions are closed below
    for (const session of this.#sessions) {
      if ("terminate" in how) session.terminate();
      else session.close(...how.close);
    }
    const timer = setTimeout(() => {
      for (const session of this.#sessions) session.terminate();
    }, CLOSE_GRACE_MS);
    await closed;
    clearTimeout(timer);
    this.#wss?.close();
    this.#wss = undefined;
  }

  #open(ws: WebSocket, faults: SessionFaults): void {
    const record: ObsConnectionRecord = {
      id: this.connections.length + 1,
      openedAt: Date.now(),
      subprotocol: ws.protocol === "" ? null : ws.protocol,
      identified: false,
      eventSubscriptions: null,
      closeCode: null,
      closeReason: null,
    };
    this.connections.push(record);
    if (this.connections.length > this.#options.connectionLogSize) this.connections.shift();
    const session = new ObsSession(ws, this.#hostFor(this.#salt), record, faults);
    this.#sessions.add(session);
    ws.on("close", () => this.#sessions.delete(session));
    ws.on("error", () => this.#sessions.delete(session));
  }

  /** The first queued fault, for this one connection (faults queue up one connection each). */
  #takeFaults(): SessionFaults & { noSubprotocol?: boolean } {
    const queued = this.#faults[0];
    if (queued === undefined) return {};
    queued.times -= 1;
    if (queued.times <= 0) this.#faults.shift();
    const { fault } = queued;
    if (fault.kind === "silent-hello") return { silentHello: true };
    if (fault.kind === "no-subprotocol") return { noSubprotocol: true };
    return { hangRequests: fault.requestTypes ?? [] };
  }
}
