import type { Directory, Grant, SimUser } from "./directory.js";
import { parseCreateBody } from "./create-rules.js";
import { bearer, readJson, sendError, sendJson, type Exchange } from "./http.js";
import type { SimSubscription, SubscriptionStore } from "./subscriptions.js";
import type { WireSubscription } from "./wire.js";

/** What the Helix endpoints need. */
export interface HelixDeps {
  readonly directory: Directory;
  readonly store: SubscriptionStore;
  readonly limiter: HelixRateLimiter;
  readonly maxTotalCost: number;
  /** Page size of `GET /eventsub/subscriptions` when `first` is not given. */
  readonly pageSize: number;
}

/**
 * Helix's user-token rate limit: a bucket of `perMinute` points per (client, user), refilled
 * continuously, one point per call; every answer carries `Ratelimit-Limit`, `-Remaining` and
 * `-Reset` (epoch seconds when the bucket is full again) (§3.4).
 */
export class HelixRateLimiter {
  readonly #perMinute: number;
  readonly #buckets = new Map<string, { points: number; at: number }>();

  constructor(perMinute: number) {
    this.#perMinute = perMinute;
  }

  /** Spends one point; returns the headers and whether the call may proceed. */
  take(key: string): { ok: boolean; headers: Record<string, string> } {
    const now = Date.now();
    const perMs = this.#perMinute / 60_000;
    const bucket = this.#buckets.get(key) ?? { points: this.#perMinute, at: now };
    bucket.points = Math.min(this.#perMinute, bucket.points + (now - bucket.at) * perMs);
    bucket.at = now;
    const ok = bucket.points >= 1;
    if (ok) bucket.points -= 1;
    this.#buckets.set(key, bucket);
    const fullInMs = (this.#perMinute - bucket.points) / perMs;
    return {
      ok,
      headers: {
        "Ratelimit-Limit": String(this.#perMinute),
        "Ratelimit-Remaining": String(Math.floor(bucket.points)),
        "Ratelimit-Reset": String(Math.ceil((now + fullInMs) / 1000)),
      },
    };
  }
}

/** Serves `/helix/eventsub/subscriptions` (GET, POST, DELETE) and `GET /helix/users`. */
export async function handleHelix(deps: HelixDeps, exchange: Exchange): Promise<void> {
  const grant = authenticate(deps.directory, exchange);
  if (grant === undefined) return;
  const limit = deps.limiter.take(`${grant.clientId}:${grant.userId ?? "app"}`);
  if (!limit.ok) return sendError(exchange, 429, "Too Many Requests", limit.headers);
  const route = `${exchange.req.method ?? "GET"} ${exchange.url.pathname.replace(/\/$/, "")}`;
  switch (route) {
    case "POST /helix/eventsub/subscriptions":
      return create(deps, exchange, grant, limit.headers);
    case "GET /helix/eventsub/subscriptions":
      return list(deps, exchange, grant, limit.headers);
    case "DELETE /helix/eventsub/subscriptions":
      return remove(deps, exchange, grant, limit.headers);
    case "GET /helix/users":
      return users(deps, exchange, grant, limit.headers);
    default:
      return sendError(exchange, 404, "Not Found", limit.headers);
  }
}

/** Checks `Authorization: Bearer` and `Client-Id`; answers 401 itself when they fail. */
function authenticate(directory: Directory, exchange: Exchange): Grant | undefined {
  const token = bearer(exchange.req);
  if (token === undefined) return void sendError(exchange, 401, "OAuth token is missing");
  const grant = directory.check(token);
  if (grant === undefined) return void sendError(exchange, 401, "Invalid OAuth token");
  const clientId = exchange.req.headers["client-id"];
  if (typeof clientId !== "string" || clientId === "") {
    return void sendError(exchange, 401, "Client-Id header is required");
  }
  if (clientId !== grant.clientId) {
    return void sendError(exchange, 401, "Client ID and OAuth token do not match");
  }
  return grant;
}

async function create(
  deps: HelixDeps,
  exchange: Exchange,
  grant: Grant,
  headers: Record<string, string>,
): Promise<void> {
  const request = parseCreateBody(await readJson(exchange.req));
  if ("status" in request) return sendError(exchange, request.status, request.message, headers);
  const answer = deps.store.create(grant, request);
  if (answer.status !== 202) return sendError(exchange, answer.status, answer.message, headers);
  sendJson(exchange, 202, page([answer.subscription], deps, grant, 1), headers);
}

function list(
  deps: HelixDeps,
  exchange: Exchange,
  grant: Grant,
  headers: Record<string, string>,
): void {
  const query = exchange.url.searchParams;
  const filters = ["status", "type", "user_id", "subscription_id"].filter((f) => query.has(f));
  if (filters.length > 1) {
    return sendError(exchange, 400, "only one filter query parameter may be specified", headers);
  }
  const first = Number(query.get("first") ?? deps.pageSize);
  if (!Number.isInteger(first) || first < 1 || first > 100) {
    return sendError(exchange, 400, "first must be between 1 and 100", headers);
  }
  const matching = deps.store.list(grant.clientId, grant.userId).filter((sub) => {
    if (query.has("status")) return sub.status === query.get("status");
    if (query.has("type")) return sub.type === query.get("type");
    if (query.has("subscription_id")) return sub.id === query.get("subscription_id");
    if (query.has("user_id")) return Object.values(sub.condition).includes(query.get("user_id")!);
    return true;
  });
  const start = decodeCursor(query.get("after"));
  const slice = matching.slice(start, start + first);
  const more = start + first < matching.length;
  sendJson(
    exchange,
    200,
    {
      ...page(slice, deps, grant, matching.length),
      pagination: more ? { cursor: Buffer.from(String(start + first)).toString("base64url") } : {},
    },
    headers,
  );
}

function remove(
  deps: HelixDeps,
  exchange: Exchange,
  grant: Grant,
  headers: Record<string, string>,
): void {
  const id = exchange.url.searchParams.get("id");
  if (id === null || id === "") {
    return sendError(exchange, 400, 'Missing required parameter "id"', headers);
  }
  const sub = deps.store.get(id);
  if (sub === undefined || sub.clientId !== grant.clientId) {
    return sendError(exchange, 404, "subscription not found", headers);
  }
  deps.store.delete(id);
  sendJson(exchange, 204, undefined, headers);
}

function users(
  deps: HelixDeps,
  exchange: Exchange,
  grant: Grant,
  headers: Record<string, string>,
): void {
  const query = exchange.url.searchParams;
  const ids = query.getAll("id");
  const logins = query.getAll("login");
  if (ids.length + logins.length > 100) {
    return sendError(exchange, 400, "too many id and login parameters (max 100)", headers);
  }
  const found: (SimUser | undefined)[] =
    ids.length + logins.length === 0
      ? [grant.userId === null ? undefined : deps.directory.user(grant.userId)]
      : [
          ...ids.map((id) => deps.directory.user(id)),
          ...logins.map((login) => deps.directory.userByLogin(login)),
        ];
  const unique = [...new Set(found.filter((u): u is SimUser => u !== undefined))];
  sendJson(exchange, 200, { data: unique.map(wireUser) }, headers);
}

function page(subs: readonly SimSubscription[], deps: HelixDeps, grant: Grant, total: number) {
  return {
    data: subs.map(wireSubscription),
    total,
    total_cost: grant.userId === null ? 0 : deps.store.totalCost(grant.clientId, grant.userId),
    max_total_cost: deps.maxTotalCost,
  };
}

/** The Helix view of a subscription (the simulator's bookkeeping fields left out). */
export function wireSubscription(sub: SimSubscription): WireSubscription {
  return {
    id: sub.id,
    status: sub.status,
    type: sub.type,
    version: sub.version,
    condition: { ...sub.condition },
    created_at: sub.created_at,
    transport: { ...sub.transport },
    cost: sub.cost,
  };
}

function wireUser(user: SimUser): Record<string, unknown> {
  return {
    id: user.id,
    login: user.login,
    display_name: user.displayName,
    type: "",
    broadcaster_type: "affiliate",
    description: "",
    profile_image_url: `https://static-cdn.jtvnw.net/jtv_user_pictures/${user.login}-profile_image-300x300.png`,
    offline_image_url: "",
    view_count: 0,
    created_at: "2016-12-14T20:32:28Z",
  };
}

function decodeCursor(cursor: string | null): number {
  if (cursor === null) return 0;
  const n = Number(Buffer.from(cursor, "base64url").toString("utf8"));
  return Number.isInteger(n) && n >= 0 ? n : 0;
}
