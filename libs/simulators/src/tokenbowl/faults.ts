import { STATUS_CODES } from "node:http";
import { InvalidInputError } from "../chaturbate/errors.js";
import { isPlainObject } from "../chaturbate/wire.js";
import { INTERNAL_ERROR, NGINX_503, json, type Reply } from "./reply.js";

/**
 * A failure served instead of (or on top of) a normal answer — the reference checklist's
 * failure modes: statuses with the real bodies, a plain-text 500 (also after the request took
 * effect: the "maybe delivered" send), malformed JSON, slowness, resets, and messages arriving
 * while a client pages.
 */
export type TokenBowlFault =
  /**
   * Any status. Default bodies are the real ones: 500 plain text `Internal Server Error`, 503
   * nginx's HTML page, anything else FastAPI's `{"detail": "<reason>"}`. With `after: true` the
   * request is handled first (a `POST /messages` stores its message) and only its answer is replaced.
   */
  | {
      readonly kind: "status";
      readonly status: number;
      readonly body?: string;
      readonly contentType?: string;
      readonly retryAfter?: string;
      readonly after?: boolean;
    }
  /** 200 with a body that is not JSON (default: the real answer cut in half). */
  /** `body` replaces the answer: text, or bytes from code (which need not be UTF-8). */
  | { readonly kind: "malformed"; readonly body?: string | Uint8Array }
  /** The normal answer, `ms` late. */
  | { readonly kind: "delay"; readonly ms: number }
  /** The socket is destroyed without an answer. */
  | { readonly kind: "reset" }
  /** `count` room messages are posted just before the request is answered (shifts offsets). */
  | { readonly kind: "arrive"; readonly count: number };

/** Which requests a queued fault applies to. */
export interface TokenBowlFaultOptions {
  /** How many matching requests get the fault (default 1). */
  readonly times?: number;
  /** Only requests to exactly this path, e.g. `"/messages"` (default: any API path). */
  readonly path?: string;
  /** Only requests with this method (default: any). */
  readonly method?: string;
}

interface Queued {
  readonly fault: TokenBowlFault;
  readonly path: string | undefined;
  readonly method: string | undefined;
  remaining: number;
}

/** Faults waiting for requests, matched first-in first-out. */
export class TokenBowlFaultQueue {
  #queued: Queued[] = [];

  /** Queues `fault` for the next `times` matching requests. */
  add(fault: TokenBowlFault, options: TokenBowlFaultOptions = {}): void {
    const times = options.times ?? 1;
    if (!Number.isInteger(times) || times < 1) {
      throw new InvalidInputError("times", "must be a positive integer");
    }
    this.#queued.push({
      fault: parseTokenBowlFault(fault),
      path: options.path,
      method: options.method?.toUpperCase(),
      remaining: times,
    });
  }

  /** Consumes and returns the first fault that applies to `method path`, if any. */
  take(method: string, path: string): TokenBowlFault | undefined {
    const index = this.#queued.findIndex(
      (q) => (q.path === undefined || q.path === path) && (q.method ?? method) === method,
    );
    const entry = this.#queued[index];
    if (entry === undefined) return undefined;
    entry.remaining -= 1;
    if (entry.remaining === 0) this.#queued.splice(index, 1);
    return entry.fault;
  }

  /** Drops every queued fault. */
  clear(): void {
    this.#queued = [];
  }
}

/** The answer a `status` fault gives. */
export function statusReply(fault: Extract<TokenBowlFault, { kind: "status" }>): Reply {
  const headers: Record<string, string> = {};
  if (fault.retryAfter !== undefined) headers["retry-after"] = fault.retryAfter;
  const standard =
    fault.status === 500
      ? INTERNAL_ERROR
      : fault.status === 503
        ? NGINX_503
        : json(fault.status, { detail: STATUS_CODES[fault.status] ?? "Error" });
  return {
    status: fault.status,
    body: fault.body ?? standard.body,
    headers,
    ...(fault.contentType !== undefined
      ? { contentType: fault.contentType }
      : fault.body === undefined && standard.contentType !== undefined
        ? { contentType: standard.contentType }
        : {}),
  };
}

/** A damaged copy of `reply`: the body cut in half (or `body`), still labelled JSON. */
export function malformedReply(reply: Reply, body: string | Uint8Array | undefined): Reply {
  const text = body ?? reply.body.slice(0, Math.max(1, Math.floor(reply.body.length / 2)));
  return { status: 200, body: text, contentType: "application/json" };
}

const KINDS = new Set(["status", "malformed", "delay", "reset", "arrive"]);

/** Checks an untrusted fault (a control-API body) and returns it typed. */
export function parseTokenBowlFault(value: unknown): TokenBowlFault {
  if (!isPlainObject(value)) throw new InvalidInputError("fault", "must be an object");
  const kind = value["kind"];
  if (typeof kind !== "string" || !KINDS.has(kind)) {
    throw new InvalidInputError("fault.kind", `must be one of ${[...KINDS].join(", ")}`);
  }
  const number = (key: string, min: number, max: number) => {
    const v = value[key];
    if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max)
      throw new InvalidInputError(`fault.${key}`, `must be an integer in ${min}..${max}`);
  };
  const optionalText = (key: string) => {
    if (value[key] !== undefined && typeof value[key] !== "string")
      throw new InvalidInputError(`fault.${key}`, "must be a string");
  };
  if (kind === "status") {
    number("status", 200, 599);
    for (const key of ["body", "contentType", "retryAfter"]) optionalText(key);
    if (value["after"] !== undefined && typeof value["after"] !== "boolean")
      throw new InvalidInputError("fault.after", "must be a boolean");
  }
  if (kind === "malformed" && !(value["body"] instanceof Uint8Array)) optionalText("body");
  if (kind === "delay") number("ms", 0, 600_000);
  if (kind === "arrive") number("count", 1, 100_000);
  return value as TokenBowlFault;
}
