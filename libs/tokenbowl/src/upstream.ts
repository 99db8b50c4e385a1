import { z } from "zod";

/**
 * The Token Bowl Chat wire format (reference: shared/reference/token-bowl-chat-api.md §4, §5).
 * Lenient where server versions differ — the first version's 6-field messages have no
 * `from_user_*`, `to_user_id` or `description`; a deleted sender has `from_user_id: ""` — and
 * strict where a consumer would be misled (no sender, no content, no time).
 */

const optionalText = z
  .string()
  .nullish()
  .transform((v) => (v === null || v === undefined || v === "" ? undefined : v));

/** `MessageResponse`, either version. */
export const wireMessage = z.looseObject({
  id: z.string().min(1),
  from_username: z.string().min(1),
  content: z.string(),
  timestamp: z.string().min(1),
  message_type: z.enum(["room", "direct", "system"]).optional(),
  to_username: optionalText,
  from_user_id: optionalText,
  to_user_id: optionalText,
  from_user_logo: optionalText,
  from_user_emoji: optionalText,
  from_user_bot: z
    .boolean()
    .nullish()
    .transform((v) => v ?? undefined),
  description: optionalText,
});

/** A message as the server sends it (snake_case, as documented by Token Bowl). */
export interface TokenBowlMessage {
  readonly id: string;
  readonly from_user_id?: string;
  readonly from_username: string;
  readonly from_user_logo?: string | null;
  readonly from_user_emoji?: string | null;
  readonly from_user_bot?: boolean;
  readonly to_user_id?: string | null;
  readonly to_username: string | null;
  readonly content: string;
  readonly message_type: "room" | "direct" | "system";
  readonly description?: string;
  /** The server's exact text (microseconds, `+00:00`); keep it as is for `since`. */
  readonly timestamp: string;
}

/** `PaginationMetadata`. */
export interface TokenBowlPagination {
  readonly total: number;
  readonly offset: number;
  readonly limit: number;
  readonly has_more: boolean;
}

/** `PaginatedMessagesResponse`. */
export interface TokenBowlMessagePage {
  readonly messages: readonly TokenBowlMessage[];
  readonly pagination: TokenBowlPagination;
}

/** The page envelope: messages stay unparsed here so one bad message does not sink the page. */
export const wirePage = z.looseObject({
  messages: z.array(z.unknown()),
  pagination: z
    .looseObject({
      total: z.number().int().nonnegative(),
      offset: z.number().int(),
      limit: z.number().int(),
      has_more: z.boolean(),
    })
    .optional(),
});

/**
 * The public part of `GET /users/me`. The response also carries the caller's `api_key`; it is
 * never kept, logged or dead-lettered.
 */
export const wireProfile = z.looseObject({
  id: z.string().optional(),
  username: z.string().min(1),
  role: z.string().optional(),
});

/** Who the API key belongs to. */
export interface TokenBowlProfile {
  readonly id?: string;
  readonly username: string;
  /** `admin` | `member` | `viewer` | `bot` (server 0.3.0 and later). */
  readonly role?: string;
}

/** One entry of a FastAPI 422 `detail` list. */
export interface TokenBowlIssue {
  readonly loc: readonly (string | number)[];
  readonly msg: string;
  readonly type: string;
}

/** FastAPI error bodies: `{"detail": "text"}` or `{"detail": [issues]}`. */
export const wireError = z.object({
  detail: z.union([
    z.string(),
    z.array(
      z.looseObject({
        loc: z.array(z.union([z.string(), z.number()])).default([]),
        msg: z.string().default(""),
        type: z.string().default(""),
      }),
    ),
  ]),
});
