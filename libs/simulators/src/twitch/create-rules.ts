import type { Directory, Grant } from "./directory.js";
import type { SessionView, SimSubscription, SubscriptionLimits } from "./subscriptions.js";
import { REMOVED_VERSIONS, SUBSCRIPTION_TYPES, type SubscriptionTypeSpec } from "./wire.js";
import { isPlainObject } from "../chaturbate/wire.js";

/** The body of `POST /helix/eventsub/subscriptions`. */
export interface CreateRequest {
  readonly type: string;
  readonly version: string;
  readonly condition: Readonly<Record<string, string>>;
  readonly transport: { readonly method: string; readonly session_id?: string };
}

/** A refused create: the HTTP status and Twitch's `message`. */
export interface Refusal {
  readonly status: 400 | 401 | 403 | 409 | 410 | 429;
  readonly message: string;
}

/** What the rules look at besides the request. */
export interface RuleContext {
  readonly directory: Directory;
  readonly sessions: SessionView;
  readonly limits: SubscriptionLimits;
  readonly existing: readonly SimSubscription[];
  readonly cost: (condition: Readonly<Record<string, string>>) => number;
}

/** Reads a create body, or refuses it with 400 like Helix does for a malformed one. */
export function parseCreateBody(body: unknown): CreateRequest | Refusal {
  if (!isPlainObject(body)) return bad("request body must be a JSON object");
  const { type, version, condition, transport } = body;
  if (typeof type !== "string" || type === "") return bad("type is required");
  if (typeof version !== "string" || version === "") return bad("version is required");
  if (!isPlainObject(condition)) return bad("condition is required");
  if (!isPlainObject(transport) || typeof transport["method"] !== "string") {
    return bad("transport.method is required");
  }
  if (Object.values(condition).some((value) => typeof value !== "string")) {
    return bad("condition values must be strings");
  }
  const sessionId = transport["session_id"];
  return {
    type,
    version,
    condition: condition as Record<string, string>,
    transport: {
      method: transport["method"],
      ...(typeof sessionId === "string" ? { session_id: sessionId } : {}),
    },
  };
}

/**
 * Applies Twitch's create rules in the order a client meets them (§3.1, §2.5): token kind,
 * type/version, transport and session, condition, authorization, same user per session,
 * per-session cap, duplicates (409), 3 per type+condition, 3 transports, cost cap.
 */
export function checkCreate(
  request: CreateRequest,
  grant: Grant,
  ctx: RuleContext,
): Refusal | undefined {
  if (grant.userId === null) {
    return { status: 401, message: "websocket transport requires a user access token" };
  }
  const spec = SUBSCRIPTION_TYPES[request.type];
  if (REMOVED_VERSIONS.has(`${request.type}@${request.version}`)) {
    return { status: 410, message: "This subscription type is not available." };
  }
  if (spec === undefined || spec.version !== request.version) {
    return bad("The combination of values in the type and version fields is not valid");
  }
  return (
    checkTransport(request, ctx) ??
    checkCondition(request, spec, ctx.directory) ??
    checkAuthorization(request, spec, grant, ctx.directory) ??
    checkLimits(request, grant, ctx)
  );
}

function checkTransport(request: CreateRequest, ctx: RuleContext): Refusal | undefined {
  if (request.transport.method !== "websocket") {
    return bad(`transport method ${request.transport.method} is not simulated; use websocket`);
  }
  const sessionId = request.transport.session_id;
  if (sessionId === undefined || sessionId === "") {
    return bad("transport.session_id is required for websocket transport");
  }
  if (!ctx.sessions.isOpen(sessionId)) {
    return bad("websocket transport session does not exist or has already disconnected");
  }
  return undefined;
}

function checkCondition(
  request: CreateRequest,
  spec: SubscriptionTypeSpec,
  directory: Directory,
): Refusal | undefined {
  const { condition } = request;
  const missing = spec.required.filter((key) => !condition[key]);
  if (missing.length > 0) return bad(`missing required condition fields: ${missing.join(", ")}`);
  if (spec.oneOf !== undefined && spec.oneOf.filter((key) => condition[key]).length !== 1) {
    return bad(`exactly one of ${spec.oneOf.join(", ")} must be set`);
  }
  const allowed = new Set([...spec.required, ...(spec.oneOf ?? []), ...(spec.optional ?? [])]);
  const unknown = Object.keys(condition).filter((key) => !allowed.has(key));
  if (unknown.length > 0) return bad(`unknown condition fields: ${unknown.join(", ")}`);
  for (const [key, value] of Object.entries(condition)) {
    if (key.endsWith("user_id") && directory.user(value) === undefined) {
      return bad(`the user in condition.${key} does not exist`);
    }
  }
  return undefined;
}

function checkAuthorization(
  request: CreateRequest,
  spec: SubscriptionTypeSpec,
  grant: Grant,
  directory: Directory,
): Refusal | undefined {
  const forbidden: Refusal = { status: 403, message: "subscription missing proper authorization" };
  if (spec.scopes.length > 0 && !spec.scopes.some((scope) => grant.scopes.includes(scope))) {
    return forbidden;
  }
  const { condition } = request;
  switch (spec.authorizer) {
    case "broadcaster":
      return grant.userId === condition["broadcaster_user_id"] ? undefined : forbidden;
    case "chatter":
      return grant.userId === condition["user_id"] ? undefined : forbidden;
    case "moderator": {
      const moderator = condition["moderator_user_id"];
      const broadcaster = directory.user(condition["broadcaster_user_id"] ?? "");
      const allowed =
        grant.userId === moderator &&
        (moderator === broadcaster?.id || broadcaster?.moderators.includes(moderator) === true);
      return allowed ? undefined : forbidden;
    }
    case "none":
      return undefined;
  }
}

function checkLimits(request: CreateRequest, grant: Grant, ctx: RuleContext): Refusal | undefined {
  const sessionId = request.transport.session_id!;
  const enabled = ctx.existing.filter(
    (sub) => sub.status === "enabled" && sub.clientId === grant.clientId,
  );
  const onSession = enabled.filter((sub) => sub.transport.session_id === sessionId);
  if (onSession.some((sub) => sub.userId !== grant.userId)) {
    return bad("websocket transport cannot have subscriptions created by different users");
  }
  if (onSession.length >= ctx.limits.maxPerSession) {
    return bad(
      `You may only create ${ctx.limits.maxPerSession} subscriptions within a single WebSocket connection`,
    );
  }
  const sameKind = enabled.filter(
    (sub) => sub.type === request.type && sameCondition(sub.condition, request.condition),
  );
  if (sameKind.some((sub) => sub.transport.session_id === sessionId)) {
    return { status: 409, message: "subscription already exists" };
  }
  if (sameKind.length >= ctx.limits.maxPerTypeAndCondition) {
    return { status: 429, message: "maximum subscriptions with type and condition exceeded" };
  }
  const mine = enabled.filter((sub) => sub.userId === grant.userId);
  const transports = new Set(mine.map((sub) => sub.transport.session_id));
  if (!transports.has(sessionId) && transports.size >= ctx.limits.maxTransports) {
    return { status: 429, message: "number of websocket transports limit exceeded" };
  }
  const total = mine.reduce((sum, sub) => sum + sub.cost, 0);
  if (total + ctx.cost(request.condition) > ctx.limits.maxTotalCost) {
    return { status: 429, message: "subscription cost exceeds max_total_cost" };
  }
  return undefined;
}

function sameCondition(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>) {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((key) => a[key] === b[key]);
}

function bad(message: string): Refusal {
  return { status: 400, message };
}
