import { InvalidInputError } from "./errors.js";
import { isPlainObject } from "./wire.js";

/**
 * A failure to serve instead of (or on top of) a normal long-poll answer. Each kind maps to an
 * item of the reference's simulator checklist (statuses, resets, slowness, malformed bodies,
 * bad `nextUrl` values, the cb-events "waited too long" 400, re-delivered batches).
 */
export type ChaturbateFault =
  /** Any status with an optional `Retry-After`, body and headers: 429, 5xx, 52x, 401/403/404, 3xx. */
  | {
      readonly kind: "status";
      readonly status: number;
      readonly retryAfter?: string;
      readonly body?: string;
      readonly headers?: Readonly<Record<string, string>>;
    }
  /** Destroy the socket before any response bytes. */
  | { readonly kind: "reset" }
  /** Send status, headers and part of the body, then destroy the socket. */
  | { readonly kind: "resetMidBody" }
  /** Hold without answering for `ms` (default: until close), then destroy the socket. */
  | { readonly kind: "hang"; readonly ms?: number }
  /** A raw body (default status 200): invalid JSON, a top-level array, `events` not a list... */
  | {
      readonly kind: "body";
      /** Sent as is: text (UTF-8), or bytes (which need not be UTF-8). */
      readonly body: string | Uint8Array;
      readonly status?: number;
      readonly contentType?: string;
    }
  /** A normal batch whose `nextUrl` is replaced by `value` (`undefined` leaves the key out). */
  | { readonly kind: "nextUrl"; readonly value: unknown }
  /** 400 `{"status":"waited too long for events","nextUrl":…,"events":[]}`, answered at once. */
  | { readonly kind: "waitedTooLong" }
  /** The account's previous non-empty batch again, with its `nextUrl` (duplicate ids). */
  | { readonly kind: "redeliver" };

/** Which requests a queued fault applies to. */
export interface FaultOptions {
  /** How many matching requests get the fault (default 1). */
  readonly times?: number;
  /** Only requests for this username match (default: any). */
  readonly username?: string;
}

interface QueuedFault {
  readonly fault: ChaturbateFault;
  readonly username: string | undefined;
  remaining: number;
}

/** Faults waiting for requests, matched first-in first-out. */
export class FaultQueue {
  private queued: QueuedFault[] = [];

  /** Queues `fault` for the next `times` matching requests. */
  add(fault: ChaturbateFault, options: FaultOptions = {}): void {
    const times = options.times ?? 1;
    if (!Number.isInteger(times) || times < 1) {
      throw new InvalidInputError("times", "must be a positive integer");
    }
    this.queued.push({ fault: parseFault(fault), username: options.username, remaining: times });
  }

  /** Consumes and returns the first fault that applies to a request for `username`, if any. */
  take(username: string | undefined): ChaturbateFault | undefined {
    const index = this.queued.findIndex(
      (entry) => entry.username === undefined || entry.username === username,
    );
    const entry = this.queued[index];
    if (entry === undefined) return undefined;
    entry.remaining -= 1;
    if (entry.remaining === 0) this.queued.splice(index, 1);
    return entry.fault;
  }

  /** Drops every queued fault. */
  clear(): void {
    this.queued = [];
  }
}

const FAULT_KINDS = new Set([
  "status",
  "reset",
  "resetMidBody",
  "hang",
  "body",
  "nextUrl",
  "waitedTooLong",
  "redeliver",
]);

/**
 * Checks an untrusted value (a control-API body, or a caller that bypassed the types) and returns
 * it as a fault; throws {@link InvalidInputError} naming the bad field.
 */
export function parseFault(value: unknown): ChaturbateFault {
  if (!isPlainObject(value)) throw new InvalidInputError("fault", "must be an object");
  const kind = value["kind"];
  if (typeof kind !== "string" || !FAULT_KINDS.has(kind)) {
    throw new InvalidInputError("fault.kind", `must be one of ${[...FAULT_KINDS].join(", ")}`);
  }
  if (kind === "status") checkStatus(value, true);
  if (kind === "body") {
    // Bytes only from code (the control API speaks JSON): a body that is not UTF-8.
    if (!(value["body"] instanceof Uint8Array)) checkType(value, "body", "string", true);
    checkStatus(value, false);
    checkType(value, "contentType", "string", false);
  }
  if (kind === "hang" && value["ms"] !== undefined) {
    const ms = value["ms"];
    if (typeof ms !== "number" || !Number.isFinite(ms) || ms < 0) {
      throw new InvalidInputError("fault.ms", "must be a non-negative number");
    }
  }
  return value as ChaturbateFault;
}

function checkStatus(value: Record<string, unknown>, required: boolean): void {
  const status = value["status"];
  if (status === undefined && !required) return;
  if (typeof status !== "number" || !Number.isInteger(status) || status < 200 || status > 599) {
    throw new InvalidInputError("fault.status", "must be an integer HTTP status 200..599");
  }
  if (value["kind"] !== "status") return;
  checkType(value, "retryAfter", "string", false);
  checkType(value, "body", "string", false);
  const headers = value["headers"];
  if (
    headers !== undefined &&
    (!isPlainObject(headers) || Object.values(headers).some((v) => typeof v !== "string"))
  ) {
    throw new InvalidInputError("fault.headers", "must map header names to strings");
  }
}

function checkType(
  value: Record<string, unknown>,
  key: string,
  type: "string",
  required: boolean,
): void {
  const field = value[key];
  if (field === undefined && !required) return;
  if (typeof field !== type) throw new InvalidInputError(`fault.${key}`, `must be a ${type}`);
}
