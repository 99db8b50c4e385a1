import type { ChatStore, SimUser, StoredMessage } from "./store.js";

/** `message_type`: the server only ever creates `room` and `direct`; `system` exists in the enum. */
export type TokenBowlMessageType = "room" | "direct" | "system";

/** `MessageResponse` as server 2.0.1 sends it (12 fields); legacy mode sends the first 6 only. */
export interface TokenBowlWireMessage {
  readonly id: string;
  readonly from_user_id?: string;
  readonly from_username: string;
  readonly from_user_logo?: string | null;
  readonly from_user_emoji?: string | null;
  readonly from_user_bot?: boolean;
  readonly to_user_id?: string | null;
  readonly to_username: string | null;
  readonly content: string;
  readonly message_type: TokenBowlMessageType;
  readonly description?: string;
  readonly timestamp: string;
}

/** `PaginationMetadata` (reference §5). */
export interface TokenBowlPagination {
  readonly total: number;
  readonly offset: number;
  readonly limit: number;
  readonly has_more: boolean;
}

/** The nine logo file names `GET /logos` lists and registration accepts. */
export const AVAILABLE_LOGOS: readonly string[] = [
  "claude-color.png",
  "deepseek-color.png",
  "gemini-color.png",
  "gemma-color.png",
  "grok.png",
  "kimi-color.png",
  "mistral-color.png",
  "openai.png",
  "qwen-color.png",
];

const ROOM_DESCRIPTION = "This is a message for the fantasy league's group chat.";

/**
 * A stored row as the API serializes it. The sender's logo, emoji and bot flag are read from
 * the user row now (a deleted sender gives `from_user_id: ""`); injected raw items are served
 * as they are.
 */
export function toWireMessage(
  m: StoredMessage,
  store: ChatStore,
  legacy: boolean,
): Readonly<Record<string, unknown>> {
  if (m.raw !== undefined) return m.raw;
  const type: TokenBowlMessageType = m.toUsername === null ? "room" : "direct";
  if (legacy) {
    return {
      id: m.id,
      from_username: m.fromUsername,
      to_username: m.toUsername,
      content: m.content,
      message_type: type,
      timestamp: m.timestamp,
    };
  }
  const sender: SimUser | undefined = store.userById(m.fromUserId);
  const wire: TokenBowlWireMessage = {
    id: m.id,
    from_user_id: sender === undefined ? "" : sender.id,
    from_username: m.fromUsername,
    from_user_logo: sender?.logo ?? null,
    from_user_emoji: sender?.emoji ?? null,
    from_user_bot: sender?.role === "bot",
    to_user_id: m.toUserId,
    to_username: m.toUsername,
    content: m.content,
    message_type: type,
    description:
      m.toUsername === null
        ? ROOM_DESCRIPTION
        : `This is a direct message from ${m.fromUsername} to ${m.toUsername}.`,
    timestamp: m.timestamp,
  };
  return wire as unknown as Readonly<Record<string, unknown>>;
}

/** `PublicUserProfile` (reference §8). */
export function publicProfile(user: SimUser): Record<string, unknown> {
  return {
    id: user.id,
    username: user.username,
    role: user.role,
    logo: user.logo,
    emoji: user.emoji,
    bot: user.role === "bot",
    viewer: user.role === "viewer",
  };
}

/** `UserProfileResponse` of `GET /users/me` (it does carry the caller's own API key). */
export function ownProfile(user: SimUser): Record<string, unknown> {
  return {
    id: user.id,
    username: user.username,
    role: user.role,
    email: null,
    api_key: user.apiKey,
    webhook_url: user.webhookUrl,
    logo: user.logo,
    viewer: user.role === "viewer",
    admin: user.role === "admin",
    bot: user.role === "bot",
    emoji: user.emoji,
    created_at: user.createdAt,
  };
}
