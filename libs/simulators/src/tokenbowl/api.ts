import type { IncomingMessage } from "node:http";
import type { Chat } from "./chat.js";
import { MESSAGE_ROUTES } from "./messages-api.js";
import { INTERNAL_ERROR, ReplyError, json, type Reply } from "./reply.js";
import type { SimUser } from "./store.js";
import { USER_ROUTES } from "./users-api.js";

/** What a handler is given. */
export interface ApiRequest {
  readonly req: IncomingMessage;
  readonly url: URL;
  /** Path parameters, e.g. `message_id`. */
  readonly params: Readonly<Record<string, string>>;
  /** The authenticated caller (always set on routes that need a key). */
  readonly caller: SimUser;
}

/** One endpoint. */
export interface Route {
  readonly method: "GET" | "POST";
  /** `/messages/{message_id}/read`: `{name}` matches one path segment. */
  readonly path: string;
  /** Public routes need no `X-API-Key`. */
  readonly public?: boolean;
  readonly handle: (chat: Chat, r: ApiRequest) => Reply | Promise<Reply>;
}

// Static paths come before parameterized ones, as FastAPI matches in declaration order.
const ROUTES: readonly Route[] = [...USER_ROUTES, ...MESSAGE_ROUTES];

/**
 * Answers one API request the way the FastAPI app does: 404/405 `{"detail": ...}` for unknown
 * routes, 401 with `WWW-Authenticate: Bearer` for a missing or unknown key, handler errors as
 * their real answers, and anything unexpected as Starlette's plain-text 500.
 */
export async function answer(
  chat: Chat,
  req: IncomingMessage,
  url: URL,
  onCaller: (user: SimUser) => void,
): Promise<Reply> {
  const method = req.method ?? "GET";
  const segments = url.pathname.split("/").filter((s) => s !== "");
  const matches = ROUTES.map((route) => ({ route, params: match(route.path, segments) })).filter(
    (m) => m.params !== undefined,
  );
  const found = matches.find((m) => m.route.method === method);
  if (found === undefined) {
    return matches.length > 0
      ? json(405, { detail: "Method Not Allowed" }, { allow: matches[0]!.route.method })
      : json(404, { detail: "Not Found" });
  }
  try {
    const caller = found.route.public === true ? undefined : authenticate(chat, req);
    if (caller !== undefined) onCaller(caller);
    return await found.route.handle(chat, {
      req,
      url,
      params: found.params!,
      caller: caller as SimUser,
    });
  } catch (error) {
    if (error instanceof ReplyError) return error.reply;
    return INTERNAL_ERROR;
  }
}

function authenticate(chat: Chat, req: IncomingMessage): SimUser {
  const header = req.headers["x-api-key"];
  const key = Array.isArray(header) ? header[0] : header;
  const user = key === undefined || key === "" ? undefined : chat.store.userByKey(key);
  if (user !== undefined) return user;
  if (chat.mode.legacy) {
    const text = key === undefined || key === "" ? "Missing API key" : "Invalid API key";
    throw new ReplyError(json(401, { detail: text }));
  }
  throw new ReplyError(
    json(
      401,
      { detail: "Invalid or missing authentication credentials" },
      { "www-authenticate": "Bearer" },
    ),
  );
}

function match(path: string, segments: readonly string[]): Record<string, string> | undefined {
  const parts = path.split("/").filter((s) => s !== "");
  if (parts.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, part] of parts.entries()) {
    const segment = decodeURIComponent(segments[i]!);
    if (part.startsWith("{")) params[part.slice(1, -1)] = segment;
    else if (part !== segment) return undefined;
  }
  return params;
}
