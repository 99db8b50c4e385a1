import { z } from "zod";
import { userSchema } from "./user.js";

/**
 * Token Bowl chat normalized payloads. The wire `MessageResponse` (snake_case) is mapped by
 * `services/ingester-tokenbowl`; these are the shapes that reach `events.tokenbowl.>`.
 */

/** The sender: `id` is Token Bowl's user UUID (absent when the sender was deleted). */
export const tokenbowlUserSchema = userSchema.extend({
  /** Logo file name, e.g. `claude-color.png`. */
  logo: z.string().optional(),
  emoji: z.string().optional(),
  /** Whether the sender is a bot account (self-declared roles are not a trust signal). */
  isBot: z.boolean().optional(),
});

const message = {
  user: tokenbowlUserSchema,
  /** The message `content`. */
  text: z.string(),
  /** The wire `message_type`: `room`, `direct` (or `system`, which the server never sends). */
  messageType: z.enum(["room", "direct", "system"]),
  /** The wire message as received; only with `TOKENBOWL_KEEP_RAW=true`. */
  raw: z.record(z.string(), z.unknown()).optional(),
};

/** Payload schemas of the two Token Bowl event types, keyed by event type. */
export const tokenbowlSchemas = {
  "tokenbowl.chat.message": z.object({
    ...message,
    /** Sent by the account the ingester reads with (so a handler that answers can skip its own). */
    fromSelf: z.boolean(),
  }),
  "tokenbowl.private_message": z.object({
    ...message,
    /** Recipient's username. */
    toUser: z.string().min(1),
    /** Recipient's user UUID, when the server sends it. */
    toUserId: z.string().min(1).optional(),
    /**
     * `sent` by the ingester's account, `received` by it, or `observed`: a DM between two other
     * users, which only viewer accounts can read.
     */
    direction: z.enum(["sent", "received", "observed"]),
  }),
} as const;
