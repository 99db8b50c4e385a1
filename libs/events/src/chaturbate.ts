import { z } from "zod";
import { userSchema } from "./user.js";

/**
 * Chaturbate normalized payloads. The wire objects (camelCase, `object.*`) are mapped by
 * `services/ingester-chaturbate`; these are the shapes that reach `events.chaturbate.>`.
 */

/** A Chaturbate viewer: `username` plus the room flags the Events API sends with every user. */
export const chaturbateUserSchema = userSchema.extend({
  inFanclub: z.boolean(),
  hasTokens: z.boolean(),
  isMod: z.boolean(),
  /** `none` | `few` | `some` | `lots` | `tons` (kept as sent). */
  recentTips: z.string().optional(),
  /** `m` | `f` | `t` | `c` (kept as sent). */
  gender: z.string().optional(),
  /** `tf` | `tm` | `tn`; absent for the empty string the API sends for "none". */
  subgender: z.string().optional(),
  colorGroup: z.string().optional(),
  language: z.string().optional(),
  isFollower: z.boolean().optional(),
  isOwner: z.boolean().optional(),
  isSilenced: z.boolean().optional(),
  isSpying: z.boolean().optional(),
  isBroadcasting: z.boolean().optional(),
  inPrivateShow: z.boolean().optional(),
  hasDarkmode: z.boolean().optional(),
  fcAutoRenew: z.boolean().optional(),
});

const inRoom = z.object({
  /** The broadcaster whose room the event happened in. */
  broadcaster: z.string().min(1),
  /** The wire object as received, when `CB_KEEP_RAW=true`. */
  raw: z.unknown().optional(),
});

const withUser = inRoom.extend({ user: chaturbateUserSchema });

const chatStyle = {
  /** Text colour as sent (`#494949`, or empty). */
  color: z.string().optional(),
  backgroundColor: z.string().optional(),
  font: z.string().optional(),
  /** The untranslated original text, when the API sends one. */
  originalText: z.string().optional(),
};

/** Payload schemas of the 12 Chaturbate event types, keyed by event type. */
export const chaturbateSchemas = {
  "chaturbate.tip": withUser.extend({
    tokens: z.number().int().positive(),
    isAnon: z.boolean(),
    /** The tip note without the `"| "` prefix the API adds; empty when there is none. */
    text: z.string(),
  }),
  "chaturbate.chat.message": withUser.extend({ text: z.string(), ...chatStyle }),
  "chaturbate.private_message": withUser.extend({
    text: z.string(),
    fromUser: z.string().min(1),
    toUser: z.string().min(1),
    /** `sent` when the broadcaster wrote it, `received` when a viewer wrote to the broadcaster. */
    direction: z.enum(["sent", "received"]),
    ...chatStyle,
  }),
  "chaturbate.follow": withUser,
  "chaturbate.unfollow": withUser,
  "chaturbate.fanclub_join": withUser,
  "chaturbate.media_purchase": withUser.extend({
    tokens: z.number().int().nonnegative(),
    media: z.object({
      /** The media id, as a string whether the API sent a number or a string. */
      id: z.string().min(1),
      /** `photos` | `video` (kept as sent). */
      type: z.string().min(1),
      name: z.string(),
    }),
  }),
  "chaturbate.user_enter": withUser,
  "chaturbate.user_leave": withUser,
  "chaturbate.broadcast_start": withUser,
  "chaturbate.broadcast_stop": withUser,
  "chaturbate.room_subject_change": inRoom.extend({ subject: z.string() }),
} as const;
