import { z } from "zod";

/**
 * The Chaturbate Events API wire format (reference: shared/reference/chaturbate-events-api.md).
 * Lenient where the API is known to vary (extra keys, `media.id` number or string, unknown enum
 * values), strict where a consumer would be misled (a user without `username`, a tip without tokens).
 */

/** The 12 wire methods and the castbus type each becomes. */
export const METHOD_TYPES = {
  tip: "chaturbate.tip",
  chatMessage: "chaturbate.chat.message",
  privateMessage: "chaturbate.private_message",
  follow: "chaturbate.follow",
  unfollow: "chaturbate.unfollow",
  fanclubJoin: "chaturbate.fanclub_join",
  mediaPurchase: "chaturbate.media_purchase",
  userEnter: "chaturbate.user_enter",
  userLeave: "chaturbate.user_leave",
  broadcastStart: "chaturbate.broadcast_start",
  broadcastStop: "chaturbate.broadcast_stop",
  roomSubjectChange: "chaturbate.room_subject_change",
} as const;

/** A wire method name. */
export type Method = keyof typeof METHOD_TYPES;

/** Whether `method` is one of the 12 documented methods. */
export function isMethod(method: unknown): method is Method {
  return typeof method === "string" && Object.hasOwn(METHOD_TYPES, method);
}

// Plain nullish fields and no transforms keep zod on its compiled fast path (the mapping
// treats null as absent); unknown keys are stripped.
const text = z.string().nullish();
const flag = z.boolean().nullish();
/** Integers arrive as numbers; tolerate numeric strings as cb-events' lax parsing does. */
const integer = z.union([z.number().int(), z.string().regex(/^\d+$/).transform(Number)]);

export const wireUser = z.object({
  username: z.string().min(1),
  inFanclub: flag,
  hasTokens: flag,
  isMod: flag,
  recentTips: text,
  gender: text,
  subgender: text,
  colorGroup: text,
  language: text,
  isFollower: flag,
  isOwner: flag,
  isSilenced: flag,
  isSpying: flag,
  isBroadcasting: flag,
  inPrivateShow: flag,
  hasDarkmode: flag,
  fcAutoRenew: flag,
});

export const wireMessage = z.object({
  message: z.string(),
  color: text,
  bgColor: text,
  font: text,
  orig: text,
  fromUser: text,
  toUser: text,
});

const base = z.object({ broadcaster: z.string().min(1) });
const withUser = base.extend({ user: wireUser });

/** The `object` of each method. */
export const wireObjects = {
  tip: withUser.extend({
    tip: z.object({ tokens: integer, isAnon: flag, message: text }),
  }),
  chatMessage: withUser.extend({ message: wireMessage }),
  privateMessage: withUser.extend({
    message: wireMessage.extend({ fromUser: z.string().min(1), toUser: z.string().min(1) }),
  }),
  follow: withUser,
  unfollow: withUser,
  fanclubJoin: withUser,
  mediaPurchase: withUser.extend({
    media: z.object({
      id: z.union([z.number(), z.string().min(1)]),
      type: z.string().min(1),
      name: z.string(),
      tokens: integer,
    }),
  }),
  userEnter: withUser,
  userLeave: withUser,
  broadcastStart: withUser,
  broadcastStop: withUser,
  roomSubjectChange: base.extend({ subject: z.string() }),
} satisfies Record<Method, z.ZodType>;

/** A user as parsed from the wire. */
export type WireUser = z.output<typeof wireUser>;
/** A message as parsed from the wire. */
export type WireMessage = z.output<typeof wireMessage>;
