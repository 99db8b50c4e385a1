import type { ApiRequest, Route } from "./api.js";
import type { Chat } from "./chat.js";
import { detail, json, type Reply } from "./reply.js";
import { canSeeDirect, type StoredMessage } from "./store.js";
import { normalizeSince } from "./timestamps.js";
import { Issues, readJsonBody } from "./validate.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The message endpoints of server 2.0.1 (reference §8), in FastAPI's declaration order. */
export const MESSAGE_ROUTES: readonly Route[] = [
  { method: "POST", path: "/messages", handle: send },
  { method: "GET", path: "/messages", handle: (c, r) => list(c, r, "room") },
  { method: "GET", path: "/messages/direct", handle: (c, r) => list(c, r, "direct") },
  { method: "GET", path: "/messages/unread", handle: (c, r) => unread(c, r, "room") },
  { method: "GET", path: "/messages/direct/unread", handle: (c, r) => unread(c, r, "direct") },
  { method: "GET", path: "/messages/unread/count", handle: unreadCount },
  { method: "POST", path: "/messages/mark-all-read", handle: markAllRead },
  { method: "POST", path: "/messages/{message_id}/read", handle: markRead },
  { method: "GET", path: "/messages/{message_id}", handle: getOne },
];

/** `POST /messages`: 201 with the stored message; webhooks are delivered before the answer. */
async function send(chat: Chat, r: ApiRequest): Promise<Reply> {
  const body = await readJsonBody(r.req);
  const issues = new Issues();
  const content = issues.text(body, "content", { min: 1, max: 10_000, required: true });
  const to = issues.text(body, "to_username", { min: 1, max: 50, required: false });
  issues.check();
  const stored = chat.post(r.caller, content!, to);
  await chat.deliverWebhooks(stored);
  return json(201, chat.wire(stored));
}

/**
 * `GET /messages` and `GET /messages/direct`: `since` is exclusive and compared as text with
 * the stored timestamps; pages are newest-first (oldest-first in legacy mode); `limit` and
 * `offset` have no bounds (a negative limit means no limit, as in SQLite).
 */
function list(chat: Chat, r: ApiRequest, kind: "room" | "direct"): Reply {
  const issues = new Issues();
  const limit = issues.queryInt(r.url, "limit", 50);
  const offset = issues.queryInt(r.url, "offset", 0);
  issues.check();
  const sinceText = r.url.searchParams.get("since");
  // `if since:` in the server: an empty value means no filter.
  const since = sinceText === null || sinceText === "" ? undefined : normalizeSince(sinceText);
  if (sinceText !== null && sinceText !== "" && since === undefined) {
    throw detail(400, "Invalid timestamp format. Use ISO 8601 format.");
  }
  const rows = chat.store.query({ caller: r.caller, kind, since, newestFirst: !chat.mode.legacy });
  const page = slice(rows, limit, offset);
  return json(200, {
    messages: page.map((m) => chat.wire(m)),
    pagination: { total: rows.length, offset, limit, has_more: offset + page.length < rows.length },
  });
}

/** Unread lists: oldest-first whatever the version, without the caller's own messages. */
function unread(chat: Chat, r: ApiRequest, kind: "room" | "direct"): Reply {
  const issues = new Issues();
  const limit = issues.queryInt(r.url, "limit", 50);
  const offset = issues.queryInt(r.url, "offset", 0);
  issues.check();
  return json(
    200,
    slice(unreadOf(chat, r, kind), limit, offset).map((m) => chat.wire(m)),
  );
}

function unreadOf(chat: Chat, r: ApiRequest, kind: "room" | "direct"): StoredMessage[] {
  return chat.store
    .query({ caller: r.caller, kind, newestFirst: false })
    .filter((m) => m.fromUsername !== r.caller.username && !r.caller.reads.has(m.id));
}

function unreadCount(chat: Chat, r: ApiRequest): Reply {
  const room = unreadOf(chat, r, "room").length;
  const direct = unreadOf(chat, r, "direct").length;
  return json(200, {
    unread_room_messages: room,
    unread_direct_messages: direct,
    total_unread: room + direct,
  });
}

function markAllRead(chat: Chat, r: ApiRequest): Reply {
  const all = [...unreadOf(chat, r, "room"), ...unreadOf(chat, r, "direct")];
  for (const m of all) r.caller.reads.add(m.id);
  return json(200, { marked_as_read: all.length });
}

/** `POST /messages/{id}/read`: 204, idempotent. */
function markRead(chat: Chat, r: ApiRequest): Reply {
  const message = findMessage(chat, r.params["message_id"]!);
  r.caller.reads.add(message.id);
  return { status: 204, body: "" };
}

function getOne(chat: Chat, r: ApiRequest): Reply {
  const message = findMessage(chat, r.params["message_id"]!);
  const mayRead =
    message.toUsername === null || r.caller.role === "admin" || canSeeDirect(r.caller, message);
  if (!mayRead) throw detail(403, "You don't have permission to view this message");
  return json(200, chat.wire(message));
}

/** 400/404 for an id; the 400 and the 403 text above are inferred, not quoted in the reference. */
function findMessage(chat: Chat, id: string): StoredMessage {
  if (!UUID.test(id)) throw detail(400, "Invalid message ID format");
  const message = chat.store.find(id);
  if (message === undefined) throw detail(404, "Message not found");
  return message;
}

function slice(rows: StoredMessage[], limit: number, offset: number): StoredMessage[] {
  const start = Math.max(0, offset);
  return limit < 0 ? rows.slice(start) : rows.slice(start, start + limit);
}
