import { STATUS_CODES } from "node:http";
import { InvalidInputError } from "../chaturbate/errors.js";
import { isPlainObject } from "../chaturbate/wire.js";
import { sendError, type Exchange } from "./http.js";

/** The HTTP endpoints a fault can target. */
export const TWITCH_ENDPOINTS = ["eventsub", "users", "validate", "token"] as const;

/** One HTTP endpoint of the simulator. */
export type TwitchEndpoint = (typeof TWITCH_ENDPOINTS)[number];

/** A fault that replaces the normal answer of one HTTP request. */
export type TwitchFault =
  /** That status with Twitch's error body (`message` defaults to the status text). */
  | {
      readonly kind: "status";
      readonly status: number;
      readonly message?: string;
      readonly headers?: Readonly<Record<string, string>>;
    }
  /** 429 with `Ratelimit-Remaining: 0` and `Ratelimit-Reset` `resetInS` (default 1) ahead. */
  | { readonly kind: "rateLimit"; readonly resetInS?: number }
  /** The socket is destroyed before any response byte. */
  | { readonly kind: "reset" }
  /** No answer for `ms` (default: until the client leaves), then the socket is destroyed. */
  | { readonly kind: "hang"; readonly ms?: number };

/** Which requests a queued fault applies to, and how many. */
export interface TwitchFaultOptions {
  /** How many matching requests get it (default 1). */
  readonly times?: number;
  /** Only this endpoint (default: any). */
  readonly endpoint?: TwitchEndpoint;
  /** Only this HTTP method, e.g. `POST` (default: any). */
  readonly method?: string;
}

interface Queued {
  readonly fault: TwitchFault;
  readonly options: TwitchFaultOptions;
  left: number;
}

/** Faults waiting for the next matching requests, first queued first served. */
export class FaultQueue {
  readonly #queue: Queued[] = [];

  add(fault: TwitchFault, options: TwitchFaultOptions = {}): void {
    const checked = parseFault(fault);
    const times = options.times ?? 1;
    if (!Number.isInteger(times) || times < 1) {
      throw new InvalidInputError("times", "must be a positive integer");
    }
    if (options.endpoint !== undefined && !TWITCH_ENDPOINTS.includes(options.endpoint)) {
      throw new InvalidInputError("endpoint", `must be one of ${TWITCH_ENDPOINTS.join(", ")}`);
    }
    this.#queue.push({ fault: checked, options, left: times });
  }

  /** Takes the first fault matching this request, if any. */
  take(endpoint: TwitchEndpoint, method: string): TwitchFault | undefined {
    const index = this.#queue.findIndex(
      (q) =>
        (q.options.endpoint === undefined || q.options.endpoint === endpoint) &&
        (q.options.method === undefined || q.options.method.toUpperCase() === method),
    );
    const queued = this.#queue[index];
    if (queued === undefined) return undefined;
    queued.left -= 1;
    if (queued.left === 0) this.#queue.splice(index, 1);
    return queued.fault;
  }

  clear(): void {
    this.#queue.length = 0;
  }
}

/** Answers a request with `fault`. */
export function serveFault(exchange: Exchange, fault: TwitchFault): void {
  if (exchange.log !== undefined) exchange.log.fault = fault.kind;
  switch (fault.kind) {
    case "status":
      return sendError(
        exchange,
        fault.status,
        fault.message ?? STATUS_CODES[fault.status] ?? "error",
        fault.headers,
      );
    case "rateLimit": {
      const reset = Math.ceil(Date.now() / 1000) + (fault.resetInS ?? 1);
      return sendError(exchange, 429, "Too Many Requests", {
        "Ratelimit-Limit": "800",
        "Ratelimit-Remaining": "0",
        "Ratelimit-Reset": String(reset),
      });
    }
    case "reset":
      exchange.res.destroy();
      return;
    case "hang":
      if (fault.ms !== undefined) {
        const timer = setTimeout(() => exchange.res.destroy(), fault.ms);
        exchange.res.once("close", () => clearTimeout(timer));
      }
      return;
  }
}

/** Validates an untrusted fault object (from the control API). */
export function parseFault(value: unknown): TwitchFault {
  if (!isPlainObject(value)) throw new InvalidInputError("fault", "must be an object");
  switch (value["kind"]) {
    case "status": {
      const status = value["status"];
      if (typeof status !== "number" || !Number.isInteger(status) || status < 300 || status > 599) {
        throw new InvalidInputError("fault.status", "must be an HTTP status 300..599");
      }
      return value as TwitchFault;
    }
    case "rateLimit":
    case "reset":
    case "hang":
      return value as TwitchFault;
    default:
      throw new InvalidInputError("fault.kind", "must be status, rateLimit, reset or hang");
  }
}
