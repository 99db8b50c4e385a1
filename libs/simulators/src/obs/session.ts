import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { WebSocket } from "ws";
import type { ResolvedObsOptions } from "./options.js";
import {
  CloseCode,
  CloseReason,
  NOT_READY_COMMENT,
  OpCode,
  RequestStatus,
  authenticationString,
  encodeJson,
} from "./protocol.js";

/** One client connection as the simulator saw it (for tests: attempts, outcomes). */
export interface ObsConnectionRecord {
  readonly id: number;
  /** Epoch ms the WebSocket opened. */
  readonly openedAt: number;
  /** The selected subprotocol, or null when none was. */
  readonly subprotocol: string | null;
  identified: boolean;
  /** The subscription mask of the last Identify/Reidentify. */
  eventSubscriptions: number | null;
  /** Close code and reason once closed (1006 when the socket just died). */
  closeCode: number | null;
  closeReason: string | null;
}

/** Per-connection fault modes, taken from the queue when the connection opens. */
export interface SessionFaults {
  /** Accept the socket but never send Hello. */
  readonly silentHello?: boolean;
  /** Never answer these request types (all when empty). */
  readonly hangRequests?: readonly string[];
}

/** What a session needs from the server. */
export interface SessionHost {
  readonly options: ResolvedObsOptions;
  /** One salt per server start; the challenge is per connection. */
  readonly salt: string;
  /** OBS starting, switching collection or shutting down: events suppressed, requests 207. */
  notReady(): boolean;
  answer(
    requestType: string,
    requestData: unknown,
  ): { code: number; comment?: string; responseData?: Record<string, unknown> };
}

type Message = Record<string, unknown>;
type Answer = {
  requestStatus: { code: number; result: boolean; comment?: string };
  responseData?: Message;
};

/**
 * One obs-websocket session: Hello on open, the Identify checks in the real server's order and
 * with its close codes and reasons (reference §1.4), then requests, batches and events.
 */
export class ObsSession {
  readonly record: ObsConnectionRecord;
  readonly #ws: WebSocket;
  readonly #host: SessionHost;
  readonly #faults: SessionFaults;
  readonly #challenge = randomBytes(32).toString("base64");
  #frozen = false;

  constructor(
    ws: WebSocket,
    host: SessionHost,
    record: ObsConnectionRecord,
    faults: SessionFaults,
  ) {
    this.#ws = ws;
    this.#host = host;
    this.record = record;
    this.#faults = faults;
    ws.on("message", (data, isBinary) => this.#receive(data.toString(), isBinary));
    ws.on("close", (code, reason) => {
      record.closeCode ??= code;
      record.closeReason ??= reason.toString();
    });
    if (faults.silentHello !== true) this.#send(OpCode.Hello, this.#hello());
  }

  /** Sends an event if this session is identified and subscribed to `intent`. */
  deliver(eventType: string, intent: number, data: Record<string, unknown> | undefined): void {
    if (!this.record.identified || ((this.record.eventSubscriptions ?? 0) & intent) === 0) return;
    this.#send(OpCode.Event, {
      eventType,
      eventIntent: intent,
      ...(data === undefined ? {} : { eventData: data }),
    });
  }

  /** Sends `text` as one text frame, as is (to test a client's handling of garbage). */
  sendRaw(text: string | Uint8Array): void {
    if (!this.#frozen && this.#ws.readyState === this.#ws.OPEN)
      this.#ws.send(text, { binary: false });
  }

  /** Closes with a code and reason (kick, shutdown, protocol errors). */
  close(code: number, reason: string): void {
    this.record.closeCode = code;
    this.record.closeReason = reason;
    this.#ws.close(code, reason);
  }

  /** Drops the TCP connection without a close frame: the client sees 1006. */
  terminate(): void {
    this.record.closeCode = 1006;
    this.record.closeReason = "";
    this.#ws.terminate();
  }

  /** Stops reading and answering without closing: no pongs, no responses, no events. */
  freeze(): void {
    this.#frozen = true;
    this.#ws.pause();
  }

  #hello(): Message {
    const { options } = this.#host;
    return {
      obsWebSocketVersion: options.obsWebSocketVersion,
      rpcVersion: 1,
      ...(options.password === undefined
        ? {}
        : { authentication: { challenge: this.#challenge, salt: this.#host.salt } }),
      ...(options.features.studioVersionInHello
        ? { obsStudioVersion: options.obsStudioVersion }
        : {}),
    };
  }

  #receive(text: string, isBinary: boolean): void {
    if (isBinary) return this.close(CloseCode.MessageDecodeError, CloseReason.binaryOnJson);
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch (error) {
      return this.close(
        CloseCode.MessageDecodeError,
        `Unable to decode Json: ${(error as Error).message}`,
      );
    }
    if (typeof message !== "object" || message === null || Array.isArray(message))
      return this.close(CloseCode.MessageDecodeError, CloseReason.nonObject);
    const problem = this.#envelopeProblem(message as Message);
    if (problem !== undefined) return this.close(problem[0], problem[1]);
    const { op, d } = message as { op: number; d: Message };
    if (op === OpCode.Identify) return this.#identify(d);
    if (op === OpCode.Reidentify) return this.#reidentify(d);
    if (op === OpCode.Request) return this.#request(d);
    if (op === OpCode.RequestBatch) return void this.#batch(d);
    this.close(CloseCode.UnknownOpCode, `Unknown OpCode: ${op}`);
  }

  #envelopeProblem(m: Message): [number, string] | undefined {
    const identified = this.record.identified;
    if (!identified && "request-type" in m)
      return [CloseCode.UnsupportedRpcVersion, CloseReason.legacyClient];
    if (!("op" in m)) return [CloseCode.UnknownOpCode, CloseReason.missingOp];
    if (typeof m["op"] !== "number") return [CloseCode.UnknownOpCode, CloseReason.opNotNumber];
    if (m["d"] === undefined || m["d"] === null)
      return [CloseCode.MissingDataField, CloseReason.missingData];
    if (typeof m["d"] !== "object" || Array.isArray(m["d"]))
      return [CloseCode.InvalidDataFieldType, CloseReason.dataNotObject];
    if (!identified && m["op"] !== OpCode.Identify)
      return [CloseCode.NotIdentified, CloseReason.notIdentified];
    return undefined;
  }

  /** Authentication is checked before `rpcVersion`, as in the real server. */
  #identify(d: Message): void {
    if (this.record.identified)
      return this.close(CloseCode.AlreadyIdentified, CloseReason.alreadyIdentified);
    const { password } = this.#host.options;
    if (password !== undefined) {
      if (!("authentication" in d))
        return this.close(CloseCode.AuthenticationFailed, CloseReason.authMissing);
      if (typeof d["authentication"] !== "string")
        return this.close(CloseCode.AuthenticationFailed, CloseReason.authNotString);
      if (d["authentication"] !== authenticationString(password, this.#host.salt, this.#challenge))
        return this.close(CloseCode.AuthenticationFailed, CloseReason.authFailed);
    }
    if (!("rpcVersion" in d)) return this.close(CloseCode.MissingDataField, CloseReason.rpcMissing);
    if (!isUnsigned(d["rpcVersion"]))
      return this.close(CloseCode.InvalidDataFieldType, CloseReason.rpcNotUnsigned);
    if (d["rpcVersion"] !== 1)
      return this.close(CloseCode.UnsupportedRpcVersion, CloseReason.rpcUnsupported);
    const subscriptions = d["eventSubscriptions"];
    if (subscriptions !== undefined && !isUnsigned(subscriptions))
      return this.close(CloseCode.InvalidDataFieldType, CloseReason.subscriptionsNotUnsigned);
    this.record.identified = true;
    this.record.eventSubscriptions = subscriptions ?? this.#host.options.features.allEvents;
    this.#send(OpCode.Identified, { negotiatedRpcVersion: 1 });
  }

  /** An omitted `eventSubscriptions` keeps the previous mask (what the code does, not the docs). */
  #reidentify(d: Message): void {
    const subscriptions = d["eventSubscriptions"];
    if (subscriptions !== undefined && !isUnsigned(subscriptions))
      return this.close(CloseCode.InvalidDataFieldType, CloseReason.subscriptionsNotUnsigned);
    if (subscriptions !== undefined) this.record.eventSubscriptions = subscriptions;
    this.#send(OpCode.Identified, { negotiatedRpcVersion: 1 });
  }

  #request(d: Message): void {
    if (!("requestId" in d))
      return this.close(CloseCode.MissingDataField, CloseReason.requestIdMissing);
    if (!("requestType" in d))
      return this.close(CloseCode.MissingDataField, CloseReason.requestTypeMissing);
    const requestType = d["requestType"];
    if (typeof requestType !== "string")
      return this.close(CloseCode.InvalidDataFieldType, CloseReason.requestTypeNotString);
    if (this.#hangs(requestType)) return;
    // Answered from a later task, like the real thread pool: never in the same tick.
    setImmediate(() => {
      const result = this.#answer(requestType, d["requestData"]);
      this.#send(OpCode.RequestResponse, { requestId: d["requestId"], requestType, ...result });
    });
  }

  async #batch(d: Message): Promise<void> {
    const problem = batchProblem(d);
    if (problem !== undefined) return this.close(problem[0], problem[1]);
    const requests = d["requests"] as unknown[];
    const halt = d["haltOnFailure"] === true;
    const results: Message[] = [];
    await sleep(0);
    for (const entry of requests) {
      const item = (typeof entry === "object" && entry !== null ? entry : {}) as Message;
      const type = typeof item["requestType"] === "string" ? item["requestType"] : "";
      const result =
        type === "Sleep"
          ? await this.#sleep(item["requestData"])
          : this.#answer(type, item["requestData"]);
      results.push({
        ...("requestId" in item ? { requestId: item["requestId"] } : {}),
        requestType: type,
        ...result,
      });
      if (halt && result.requestStatus.code !== RequestStatus.Success) break;
    }
    this.#send(OpCode.RequestBatchResponse, { requestId: d["requestId"], results });
  }

  async #sleep(data: unknown): Promise<Answer> {
    const ms = (data as { sleepMillis?: unknown } | null)?.sleepMillis;
    if (typeof ms !== "number" || ms < 0 || ms > 50_000)
      return {
        requestStatus: {
          code: RequestStatus.RequestFieldOutOfRange,
          result: false,
          comment: "The field value of `sleepMillis` is out of range.",
        },
      };
    await sleep(ms);
    return { requestStatus: { code: RequestStatus.Success, result: true } };
  }

  #answer(requestType: string, requestData: unknown): Answer {
    if (this.#host.notReady())
      return {
        requestStatus: { code: RequestStatus.NotReady, result: false, comment: NOT_READY_COMMENT },
      };
    const { code, comment, responseData } = this.#host.answer(requestType, requestData);
    return {
      requestStatus: {
        code,
        result: code === RequestStatus.Success,
        ...(comment === undefined ? {} : { comment }),
      },
      ...(responseData === undefined ? {} : { responseData }),
    };
  }

  #hangs(requestType: string): boolean {
    const hang = this.#faults.hangRequests;
    return hang !== undefined && (hang.length === 0 || hang.includes(requestType));
  }

  #send(op: number, d: Message): void {
    if (this.#frozen || this.#ws.readyState !== this.#ws.OPEN) return;
    this.#ws.send(encodeJson({ op, d }));
  }
}

function isUnsigned(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 0;
}

function batchProblem(d: Message): [number, string] | undefined {
  if (!("requestId" in d)) return [CloseCode.MissingDataField, CloseReason.requestIdMissing];
  const execution = d["executionType"];
  if (execution !== undefined && !isUnsigned(execution))
    return [CloseCode.InvalidDataFieldType, CloseReason.executionTypeNotNumber];
  if (execution !== undefined && execution > 2)
    return [CloseCode.InvalidDataFieldValue, CloseReason.executionTypeInvalid];
  if (d["haltOnFailure"] !== undefined && typeof d["haltOnFailure"] !== "boolean")
    return [CloseCode.InvalidDataFieldType, CloseReason.haltNotBool];
  if (!("requests" in d)) return [CloseCode.MissingDataField, CloseReason.requestsMissing];
  if (!Array.isArray(d["requests"]))
    return [CloseCode.InvalidDataFieldType, CloseReason.requestsNotArray];
  return undefined;
}
