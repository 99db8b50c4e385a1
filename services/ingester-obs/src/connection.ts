import type { Secret } from "@castbus/config";
import { isUtf8 } from "node:buffer";
import WebSocket from "ws";
import {
  ObsClosedError,
  ObsConnectError,
  ObsPasswordRequiredError,
  ObsRequestError,
  ObsTimeoutError,
} from "./errors.js";
import {
  JSON_SUBPROTOCOL,
  OpCode,
  authenticationString,
  eventSchema,
  frameSchema,
  helloSchema,
  responseSchema,
  type Hello,
} from "./upstream.js";

/** One event as it arrived. */
export interface ObsEventFrame {
  readonly eventType: string;
  readonly eventData: Record<string, unknown>;
  /** The frame's text as received (dead-lettered verbatim if it cannot be mapped). */
  readonly raw: string;
  /** `performance.now()` and wall clock at arrival. */
  readonly receivedAt: number;
  readonly receivedTime: Date;
}

/** Settings of one connection attempt. */
export interface ConnectionOptions {
  readonly url: string;
  readonly password: Secret | undefined;
  readonly eventSubscriptions: number;
  /** Deadline of Hello, Identified and every request. */
  readonly timeoutMs: number;
  /** WebSocket ping period; 0 turns dead-link detection off. */
  readonly pingIntervalMs: number;
  readonly signal: AbortSignal;
  /** A frame that is not the protocol's JSON (dead-lettered by the source). */
  readonly onMalformed: (raw: string | Uint8Array, message: string) => void;
}

interface Pending {
  readonly type: string;
  readonly resolve: (data: Record<string, unknown>) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

type Phase = "hello" | "identify" | "open" | "ended";

/**
 * One obs-websocket session over `ws` with the JSON subprotocol: Hello → Identify (SHA-256
 * challenge) → Identified, then correlated requests, each with a deadline, and a queue of events
 * read in order. Anything that ends the session — a close, a missed deadline, a dead link —
 * ends it once, with one error that says why ({@link ended}); pending requests reject with it.
 */
export class ObsConnection {
  readonly #ws: WebSocket;
  readonly #options: ConnectionOptions;
  readonly #pending = new Map<string, Pending>();
  readonly #events: ObsEventFrame[] = [];
  readonly #ready: PromiseWithResolvers<Hello> = Promise.withResolvers();
  readonly #end: PromiseWithResolvers<Error> = Promise.withResolvers();
  #phase: Phase = "hello";
  #hello: Hello | undefined;
  #socketError: Error | undefined;
  #deadline: NodeJS.Timeout | undefined;
  #pinger: NodeJS.Timeout | undefined;
  #pongSeen = true;
  #wake: (() => void) | undefined;
  #nextId = 1;

  /** Opens and identifies; rejects with the reason when that fails. */
  static async open(options: ConnectionOptions): Promise<ObsConnection> {
    const connection = new ObsConnection(options);
    await connection.#ready.promise;
    return connection;
  }

  private constructor(options: ConnectionOptions) {
    this.#options = options;
    this.#ready.promise.catch(() => undefined);
    this.#ws = new WebSocket(options.url, JSON_SUBPROTOCOL, {
      handshakeTimeout: options.timeoutMs,
      perMessageDeflate: false,
      // A text frame that is not UTF-8 is dead-lettered with its bytes, not a reason to drop the
      // session (and every event sent while it is down).
      skipUTF8Validation: true,
    });
    this.#ws.on("message", (data: Buffer, isBinary) => this.#receive(data, isBinary));
    this.#ws.on("error", (error) => (this.#socketError ??= error));
    this.#ws.on("close", (code, reason) => this.#closed(code, reason.toString()));
    this.#ws.on("pong", () => (this.#pongSeen = true));
    this.#arm("hello");
    const abort = () => this.#finish(new ObsClosedError(1000, "castbus stopping"), 1000);
    if (options.signal.aborted) abort();
    else options.signal.addEventListener("abort", abort, { once: true });
    void this.#end.promise.then(() => options.signal.removeEventListener("abort", abort));
  }

  /** The server's Hello (versions; never the authentication challenge). */
  get hello(): Hello {
    return this.#hello!;
  }

  /** Resolves with why the session ended. */
  get ended(): Promise<Error> {
    return this.#end.promise;
  }

  /** Sends a request; resolves with `responseData` (`{}` when none), rejects on failure or timeout. */
  request(
    requestType: string,
    requestData?: Record<string, unknown>,
  ): Promise<Record<string, unknown>> {
    if (this.#phase !== "open") return this.#end.promise.then((error) => Promise.reject(error));
    const requestId = String(this.#nextId++);
    return new Promise((resolve, reject) => {
      // A request OBS never answers ends the session: the link is not trustworthy any more.
      const timer = setTimeout(
        () => this.#finish(new ObsTimeoutError(requestType, this.#options.timeoutMs)),
        this.#options.timeoutMs,
      );
      this.#pending.set(requestId, { type: requestType, resolve, reject, timer });
      this.#send(OpCode.Request, {
        requestType,
        requestId,
        ...(requestData === undefined ? {} : { requestData }),
      });
    });
  }

  /** The next event in arrival order; `undefined` once the session ended and the queue is empty. */
  async nextEvent(): Promise<ObsEventFrame | undefined> {
    for (;;) {
      const event = this.#events.shift();
      if (event !== undefined) return event;
      if (this.#phase === "ended") return undefined;
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  }

  /** Closes the session normally (1000). */
  close(): void {
    this.#finish(new ObsClosedError(1000, "closed by castbus"), 1000);
  }

  #receive(data: Buffer, isBinary: boolean): void {
    const receivedAt = performance.now();
    if (isBinary)
      return this.#options.onMalformed(new Uint8Array(data), "binary frame on a JSON session");
    if (!isUtf8(data))
      return this.#options.onMalformed(new Uint8Array(data), "text frame that is not UTF-8");
    const raw = data.toString("utf8");
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      return this.#options.onMalformed(raw, "frame is not JSON");
    }
    const frame = frameSchema.safeParse(parsed);
    if (!frame.success) return this.#options.onMalformed(raw, "frame is not {op, d}");
    const { op, d } = frame.data;
    if (this.#phase === "hello" && op === OpCode.Hello) return this.#onHello(d, raw);
    if (this.#phase === "identify" && op === OpCode.Identified) return this.#onIdentified();
    if (this.#phase !== "open") return;
    if (op === OpCode.RequestResponse) return this.#onResponse(d, raw);
    if (op === OpCode.Event) {
      const event = eventSchema.safeParse(d);
      if (!event.success) return this.#options.onMalformed(raw, "event without an eventType");
      this.#events.push({
        eventType: event.data.eventType,
        eventData: event.data.eventData ?? {},
        raw,
        receivedAt,
        receivedTime: new Date(),
      });
      this.#wake?.();
    }
  }

  #onHello(d: Record<string, unknown>, raw: string): void {
    const hello = helloSchema.safeParse(d);
    if (!hello.success) {
      this.#options.onMalformed(raw, "Hello without obsWebSocketVersion/rpcVersion");
      return this.#finish(
        new ObsConnectError("obs-websocket sent an invalid Hello", "protocol"),
        1000,
      );
    }
    const { authentication, ...info } = hello.data;
    this.#hello = info;
    const password = this.#options.password;
    if (authentication !== undefined && password === undefined)
      return this.#finish(new ObsPasswordRequiredError(), 1000);
    this.#phase = "identify";
    this.#arm("identify");
    this.#send(OpCode.Identify, {
      rpcVersion: 1,
      eventSubscriptions: this.#options.eventSubscriptions,
      ...(authentication === undefined || password === undefined
        ? {}
        : {
            authentication: authenticationString(
              password.reveal(),
              authentication.salt,
              authentication.challenge,
            ),
          }),
    });
  }

  #onIdentified(): void {
    clearTimeout(this.#deadline);
    this.#phase = "open";
    this.#startPings();
    this.#ready.resolve(this.#hello!);
  }

  #onResponse(d: Record<string, unknown>, raw: string): void {
    const response = responseSchema.safeParse(d);
    if (!response.success)
      return this.#options.onMalformed(raw, "RequestResponse without requestStatus");
    const id = String(response.data.requestId);
    const pending = this.#pending.get(id);
    if (pending === undefined) return;
    this.#pending.delete(id);
    clearTimeout(pending.timer);
    const { requestStatus, responseData } = response.data;
    if (requestStatus.result) pending.resolve(responseData ?? {});
    else
      pending.reject(
        new ObsRequestError(pending.type, requestStatus.code, requestStatus.comment ?? ""),
      );
  }

  #arm(waitingFor: "hello" | "identify"): void {
    clearTimeout(this.#deadline);
    this.#deadline = setTimeout(
      () => this.#finish(new ObsTimeoutError(waitingFor, this.#options.timeoutMs)),
      this.#options.timeoutMs,
    );
  }

  #startPings(): void {
    const interval = this.#options.pingIntervalMs;
    if (interval <= 0) return;
    this.#pinger = setInterval(() => {
      if (!this.#pongSeen) return this.#finish(new ObsTimeoutError("ping", interval));
      this.#pongSeen = false;
      this.#ws.ping();
    }, interval);
  }

  #closed(code: number, reason: string): void {
    const error = this.#socketError;
    if (this.#phase === "hello" && error !== undefined && this.#hello === undefined) {
      const kind = (error as { code?: unknown }).code;
      return this.#finish(
        new ObsConnectError(error.message, typeof kind === "string" ? kind : "handshake", {
          cause: error,
        }),
      );
    }
    this.#finish(
      new ObsClosedError(code, reason, error === undefined ? undefined : { cause: error }),
    );
  }

  /** Ends the session once: the first cause wins; `closeCode` closes politely, else terminates. */
  #finish(error: Error, closeCode?: number): void {
    if (this.#phase === "ended") return;
    this.#phase = "ended";
    clearTimeout(this.#deadline);
    clearInterval(this.#pinger);
    for (const pending of this.#pending.values()) {
      clearTimeout(pending.timer);
      pending.reject(error);
    }
    this.#pending.clear();
    this.#ready.reject(error);
    this.#end.resolve(error);
    this.#wake?.();
    if (this.#ws.readyState === WebSocket.OPEN && closeCode !== undefined)
      this.#ws.close(closeCode);
    else if (this.#ws.readyState !== WebSocket.CLOSED) this.#ws.terminate();
  }

  #send(op: number, d: Record<string, unknown>): void {
    if (this.#ws.readyState === WebSocket.OPEN) this.#ws.send(JSON.stringify({ op, d }));
  }
}
