import type { Secret } from "@castbus/config";
import {
  HttpError,
  errorForStatus,
  header,
  parseRetryAfter,
  type HttpClient,
  type HttpResponse,
} from "@castbus/http";
import { setTimeout as sleep } from "node:timers/promises";
import { TokenError } from "./errors.js";
import { twitchMessage, type Tokens } from "./tokens.js";
import { subscriptionSchema, type WireSubscription } from "./upstream.js";

/** Settings of {@link Helix}. */
export interface HelixOptions {
  readonly http: HttpClient;
  /** `https://api.twitch.tv/helix` or a simulator's. */
  readonly apiUrl: string;
  readonly clientId: string;
  readonly tokens: Tokens;
  readonly timeoutMs: number;
  /** Counts every answer as `helix_<status>` (`castbus_upstream_requests_total`). */
  readonly count: (outcome: string) => void;
}

/** The body of a subscription create request. */
export interface CreateRequest {
  readonly type: string;
  readonly version: string;
  readonly condition: Readonly<Record<string, string>>;
  readonly sessionId: string;
}

/** How Helix answered a create request. */
export type CreateResult =
  | { readonly status: 202; readonly subscription: WireSubscription }
  | { readonly status: number; readonly message: string };

/** A Twitch user as `GET /users` returns it. */
export interface HelixUser {
  readonly id: string;
  readonly login: string;
  readonly displayName: string;
}

/** Statuses the callers decide about themselves; the rest are thrown as typed HTTP errors. */
const ANSWERED = new Set([400, 401, 403, 404, 409, 410, 429]);
/** Longest wait for a rate-limit bucket to refill; Twitch's resets within a minute. */
const MAX_RATE_LIMIT_WAIT_MS = 60_000;

/**
 * The Helix calls the ingester makes, with the user token and `Client-Id`. A 401 refreshes the
 * token once and retries; a 429 with `Ratelimit-Remaining: 0` waits for `Ratelimit-Reset`
 * (§3.4) and retries; any other 429 (cost or transport limits) goes back to the caller.
 */
export class Helix {
  readonly #o: HelixOptions;

  constructor(options: HelixOptions) {
    this.#o = options;
  }

  /** `POST /eventsub/subscriptions` with a websocket transport. */
  async createSubscription(request: CreateRequest, signal: AbortSignal): Promise<CreateResult> {
    const response = await this.#call(signal, "POST", "/eventsub/subscriptions", {
      type: request.type,
      version: request.version,
      condition: request.condition,
      transport: { method: "websocket", session_id: request.sessionId },
    });
    if (response.status === 202) {
      const body = parseBody(response) as { data?: unknown[] };
      const parsed = subscriptionSchema.safeParse(body.data?.[0]);
      if (parsed.success) return { status: 202, subscription: parsed.data };
      return { status: 502, message: "Helix answered 202 without a subscription" };
    }
    return { status: response.status, message: twitchMessage(response) };
  }

  /** Every subscription of this client and token, following `pagination.cursor`. */
  async listSubscriptions(signal: AbortSignal): Promise<WireSubscription[]> {
    const out: WireSubscription[] = [];
    let after: string | undefined;
    do {
      const query = after === undefined ? "" : `?after=${encodeURIComponent(after)}`;
      const response = await this.#call(signal, "GET", `/eventsub/subscriptions${query}`);
      if (response.status !== 200) break;
      const body = parseBody(response) as { data?: unknown[]; pagination?: { cursor?: string } };
      for (const item of body.data ?? []) {
        const parsed = subscriptionSchema.safeParse(item);
        if (parsed.success) out.push(parsed.data);
      }
      after = body.pagination?.cursor;
    } while (after !== undefined && after !== "");
    return out;
  }

  /** `DELETE /eventsub/subscriptions?id=`; true when it is gone (204 or 404). */
  async deleteSubscription(id: string, signal: AbortSignal): Promise<boolean> {
    const path = `/eventsub/subscriptions?id=${encodeURIComponent(id)}`;
    const response = await this.#call(signal, "DELETE", path);
    return response.status === 204 || response.status === 404;
  }

  /** `GET /users?login=...` (up to 100 logins). */
  async usersByLogin(logins: readonly string[], signal: AbortSignal): Promise<HelixUser[]> {
    const query = logins.map((login) => `login=${encodeURIComponent(login)}`).join("&");
    const response = await this.#call(signal, "GET", `/users?${query}`);
    if (response.status !== 200) {
      throw new Error(`Helix GET /users answered ${response.status} ${twitchMessage(response)}`);
    }
    const body = parseBody(response) as { data?: Record<string, unknown>[] };
    return (body.data ?? []).map((user) => ({
      id: String(user["id"]),
      login: String(user["login"]),
      displayName: String(user["display_name"] ?? user["login"]),
    }));
  }

  async #call(
    signal: AbortSignal,
    method: "GET" | "POST" | "DELETE",
    path: string,
    body?: unknown,
  ): Promise<HttpResponse> {
    let refreshed = false;
    for (let attempt = 0; ; attempt++) {
      const token = this.#o.tokens.access;
      const response = await this.#send(signal, method, path, token, body);
      if (response.status === 401 && !refreshed) {
        refreshed = true;
        await this.#o.tokens.refresh(token, signal);
        continue;
      }
      if (response.status === 401) {
        throw new TokenError(`Helix refuses the access token: 401 ${twitchMessage(response)}`);
      }
      const waitMs = rateLimitWait(response);
      if (waitMs === undefined || attempt >= 3) return response;
      await sleep(waitMs, undefined, { signal });
    }
  }

  /** One request, counted as `helix_<status>` (or `helix_network`, `helix_timeout`). */
  async #send(
    signal: AbortSignal,
    method: "GET" | "POST" | "DELETE",
    path: string,
    token: Secret,
    body: unknown,
  ): Promise<HttpResponse> {
    const where = `${this.#o.apiUrl}${path.split("?")[0]}`;
    let response: HttpResponse;
    try {
      response = await this.#o.http.send({
        url: `${this.#o.apiUrl}${path}`,
        redactedUrl: where,
        method,
        headers: {
          authorization: `Bearer ${token.reveal()}`,
          "client-id": this.#o.clientId,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        timeoutMs: this.#o.timeoutMs,
        signal,
        acceptStatus: () => true,
      });
    } catch (error) {
      if (error instanceof HttpError) this.#o.count(`helix_${error.kind}`);
      throw error;
    }
    this.#o.count(`helix_${response.status}`);
    if (ANSWERED.has(response.status) || response.status < 300) return response;
    // 5xx and anything unexpected: the typed error says whether a retry can help.
    const retryAfterMs = parseRetryAfter(header(response.headers, "retry-after"));
    throw errorForStatus(response.status, where, {
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  }
}

/** How long to wait when a 429 is the rate limit (bucket empty), else undefined. */
function rateLimitWait(response: HttpResponse): number | undefined {
  if (response.status !== 429 || header(response.headers, "ratelimit-remaining") !== "0") {
    return undefined;
  }
  const reset = Number(header(response.headers, "ratelimit-reset"));
  const waitMs = Number.isFinite(reset) ? reset * 1000 - Date.now() : 1000;
  return Math.min(MAX_RATE_LIMIT_WAIT_MS, Math.max(100, waitMs));
}

function parseBody(response: HttpResponse): unknown {
  try {
    return JSON.parse(response.body.toString("utf8")) as unknown;
  } catch {
    return {};
  }
}
