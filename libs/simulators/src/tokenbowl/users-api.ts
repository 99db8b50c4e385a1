import { createHmac, randomBytes } from "node:crypto";
import type { ApiRequest, Route } from "./api.js";
import type { Chat } from "./chat.js";
import { detail, json, type Reply } from "./reply.js";
import type { Role, SimUser } from "./store.js";
import { Issues, readJsonBody } from "./validate.js";
import { AVAILABLE_LOGOS, ownProfile, publicProfile } from "./wire.js";

/** The Centrifugo URL the real config defaults to (the production value is not public). */
const CENTRIFUGO_URL = "ws://localhost:8001/connection/websocket";
const TOKEN_LIFETIME_S = 24 * 3600;
const JWT_SECRET = randomBytes(32);
const ROLES: readonly Role[] = ["admin", "member", "viewer", "bot"];

/** Onboarding, profile and presence endpoints (reference §2, §3, §8). */
export const USER_ROUTES: readonly Route[] = [
  { method: "GET", path: "/health", public: true, handle: () => json(200, { status: "healthy" }) },
  { method: "GET", path: "/logos", public: true, handle: () => json(200, AVAILABLE_LOGOS) },
  { method: "POST", path: "/register", public: true, handle: register },
  { method: "GET", path: "/users", handle: users },
  { method: "GET", path: "/users/online", handle: () => json(200, []) },
  { method: "GET", path: "/users/me", handle: (_c, r) => json(200, ownProfile(r.caller)) },
  { method: "POST", path: "/users/me/regenerate-api-key", handle: regenerateKey },
  { method: "GET", path: "/centrifugo/connection-token", handle: connectionToken },
  { method: "POST", path: "/typing", handle: typing },
];

/** `POST /register` → 201 with the new API key; 409 taken, 400 for the bot role, 422 bad fields. */
async function register(chat: Chat, r: ApiRequest): Promise<Reply> {
  const body = await readJsonBody(r.req);
  const issues = new Issues();
  const username = issues.text(body, "username", { min: 1, max: 50, required: true });
  const webhookUrl = issues.text(body, "webhook_url", { required: false });
  const logo = issues.text(body, "logo", { required: false });
  const emoji = issues.text(body, "emoji", { max: 10, required: false });
  const role = body["role"] ?? undefined;
  if (webhookUrl !== undefined && !/^https?:\/\/[^/\s]+/.test(webhookUrl)) {
    issues.add({
      type: "url_parsing",
      loc: ["body", "webhook_url"],
      msg: "Input should be a valid URL, relative URL without a base",
      input: webhookUrl,
    });
  }
  if (logo !== undefined && !AVAILABLE_LOGOS.includes(logo)) {
    issues.add({
      type: "value_error",
      loc: ["body", "logo"],
      msg: `Value error, Invalid logo. Must be one of: ${AVAILABLE_LOGOS.join(", ")}`,
      input: logo,
    });
  }
  if (role !== undefined && !ROLES.includes(role as Role)) {
    const expected = "'admin', 'member', 'viewer' or 'bot'";
    issues.add({
      type: "enum",
      loc: ["body", "role"],
      msg: `Input should be ${expected}`,
      input: role,
      ctx: { expected },
    });
  }
  issues.check();
  // Inferred text: the reference says only "400 (use POST /bots)".
  if (role === "bot") throw detail(400, "Cannot register as a bot. Use POST /bots to create bots.");
  const user = chat.register({
    username: username!,
    role: (role as Role | undefined) ?? legacyRole(body),
    ...(logo === undefined ? {} : { logo }),
    ...(emoji === undefined ? {} : { emoji }),
    ...(webhookUrl === undefined ? {} : { webhookUrl }),
  });
  return json(201, registration(user, chat.mode.legacy));
}

/** Without `role`, the legacy flags decide: admin > viewer > bot > member. */
function legacyRole(body: Record<string, unknown>): Role {
  if (body["admin"] === true) return "admin";
  if (body["viewer"] === true) return "viewer";
  if (body["bot"] === true) return "bot";
  return "member";
}

function registration(user: SimUser, legacy: boolean): Record<string, unknown> {
  const base = {
    username: user.username,
    api_key: user.apiKey,
    webhook_url: user.webhookUrl,
    logo: user.logo,
    viewer: user.role === "viewer",
  };
  if (legacy) return base;
  return {
    id: user.id,
    ...base,
    role: user.role,
    admin: user.role === "admin",
    bot: user.role === "bot",
    emoji: user.emoji,
  };
}

/** Non-viewers' public profiles (legacy: their names). */
function users(chat: Chat): Reply {
  const listed = chat.store.users().filter((u) => u.role !== "viewer");
  return json(200, chat.mode.legacy ? listed.map((u) => u.username) : listed.map(publicProfile));
}

function regenerateKey(chat: Chat, r: ApiRequest): Reply {
  if (r.caller.role === "viewer") {
    throw detail(
      403,
      "Permission 'users:update:own' required. Your role 'viewer' does not have this permission.",
    );
  }
  const apiKey = chat.store.rotateKey(r.caller);
  return json(200, { message: "API key regenerated successfully", api_key: apiKey });
}

/** An HS256 JWT whose `channels` claim makes Centrifugo subscribe the connection server-side. */
function connectionToken(_chat: Chat, r: ApiRequest): Reply {
  const username = r.caller.username;
  const iat = Math.floor(Date.now() / 1000);
  const channels = ["room:main", `user:${username}`];
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const unsigned = `${encode({ alg: "HS256", typ: "JWT" })}.${encode({ sub: username, exp: iat + TOKEN_LIFETIME_S, iat, channels })}`;
  const signature = createHmac("sha256", JWT_SECRET).update(unsigned).digest("base64url");
  return json(200, {
    token: `${unsigned}.${signature}`,
    url: CENTRIFUGO_URL,
    channels: [`user:${username}`, "room:main"],
    user: username,
  });
}

function typing(_chat: Chat, r: ApiRequest): Reply {
  const to = r.url.searchParams.get("to_username");
  return json(200, { status: "typing indicator sent", to: to ?? "room" });
}
