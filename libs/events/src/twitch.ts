import { z } from "zod";
import { timestampSchema } from "./envelope.js";
import { userSchema } from "./user.js";

/**
 * Twitch normalized payloads. `services/ingester-twitch` maps EventSub notifications (snake_case
 * `payload.event`) to these shapes, which reach `events.twitch.>`. Every person is a `user` in the
 * shared vocabulary (`id` = Twitch user id, `username` = login, `displayName` = display name);
 * the channel an event happened in is `broadcaster`, in the same shape.
 */

/** A Twitch account: the shared `user` shape with the Twitch user id always present. */
export const twitchUserSchema = userSchema.extend({
  /** Twitch user id (digits, as a string). */
  id: z.string().min(1),
  /** Login: lowercase, unique. */
  username: z.string().min(1),
  /** Display name (capitalization or localized name the user chose). */
  displayName: z.string(),
});

/** The roles castbus derives from a chatter's badges, for `fromRoles()`-style filters. */
export const TWITCH_CHAT_ROLES = [
  "broadcaster",
  "moderator",
  "vip",
  "subscriber",
  "founder",
  "artist",
  "staff",
  "partner",
  /** Twitch's verified chat-bot badge (`bot-badge`): what `notBot()` looks for. */
  "bot",
] as const;

/** One chat badge as Twitch sends it (`set_id`/`id`/`info`). */
export const twitchBadgeSchema = z.object({
  /** Badge set, e.g. `moderator`, `subscriber`, `vip`, `broadcaster`, `bits`. */
  setId: z.string(),
  /** Version within the set (`"12"` = the 12-month subscriber badge). */
  id: z.string(),
  /** Extra detail: the exact months for subscriber badges; usually empty. */
  info: z.string(),
});

/**
 * The author of a chat message: the Twitch user plus what chat bots filter on. `roles` and the
 * `is*` flags are derived from `badges` (a founder is a subscriber; a lead moderator is a
 * moderator), so `user.isSubscriber` works like StarStreamer's `user.subscriber`.
 */
export const twitchChatterSchema = twitchUserSchema.extend({
  /** Name colour `#RRGGBB`; absent when the user never chose one. */
  color: z.string().optional(),
  badges: z.array(twitchBadgeSchema),
  roles: z.array(z.enum(TWITCH_CHAT_ROLES)),
  isBroadcaster: z.boolean(),
  isModerator: z.boolean(),
  isVip: z.boolean(),
  isSubscriber: z.boolean(),
});

/** One piece of a chat message: plain text, an emote, a cheermote or a mention. */
export const twitchFragmentSchema = z.object({
  /** `text`, `emote`, `cheermote` or `mention` (newer kinds are passed through). */
  type: z.string(),
  text: z.string(),
  emote: z
    .object({
      id: z.string(),
      setId: z.string(),
      ownerId: z.string(),
      /** `static` and/or `animated`. */
      format: z.array(z.string()),
    })
    .optional(),
  cheermote: z
    .object({ prefix: z.string(), bits: z.number().int(), tier: z.number().int() })
    .optional(),
  mention: twitchUserSchema.optional(),
});

/** What a chat message answers, when it is a reply. */
export const twitchReplySchema = z.object({
  parentMessageId: z.string(),
  parentText: z.string(),
  parentUser: twitchUserSchema,
  /** The message that started the thread. */
  threadMessageId: z.string(),
  threadUser: twitchUserSchema,
});

/** Keeps the EventSub `event` object when `TWITCH_KEEP_RAW` is on. */
const raw = { raw: z.record(z.string(), z.unknown()).optional() };

const inChannel = z.object({
  /** The channel the event happened in. */
  broadcaster: twitchUserSchema,
  ...raw,
});

const withUser = inChannel.extend({ user: twitchUserSchema });

/** Subscription tier as Twitch sends it: `1000`, `2000` or `3000` (Prime subs are `1000`). */
const tier = z.string().min(1);

/** Payload schemas of the 11 Twitch event types, keyed by event type. */
export const twitchSchemas = {
  "twitch.chat.message": inChannel.extend({
    user: twitchChatterSchema,
    text: z.string(),
    /** Twitch's id of the chat message (for replies, deletes, moderation). */
    messageId: z.string().min(1),
    /** `text`, `channel_points_highlighted`, `channel_points_sub_only`, `user_intro`, `power_ups_*`. */
    messageType: z.string(),
    fragments: z.array(twitchFragmentSchema),
    /** Bits cheered in this message; absent when none. */
    bits: z.number().int().positive().optional(),
    reply: twitchReplySchema.optional(),
    /** The custom reward redeemed with this message (highlighted / sub-only messages). */
    channelPointsRewardId: z.string().optional(),
    /** Shared chat: the channel the message was originally sent in, when it is not this one. */
    sourceBroadcaster: twitchUserSchema.optional(),
    sourceMessageId: z.string().optional(),
  }),
  "twitch.follow": withUser.extend({ followedAt: timestampSchema }),
  "twitch.subscription": withUser.extend({ tier, isGift: z.boolean() }),
  "twitch.subscription_gift": inChannel.extend({
    /** The gifter; absent when the gift is anonymous. */
    user: twitchUserSchema.optional(),
    isAnonymous: z.boolean(),
    /** Subscriptions gifted in this event. */
    total: z.number().int().positive(),
    tier,
    /** The gifter's all-time gift count; absent when anonymous or not shared. */
    cumulativeTotal: z.number().int().nonnegative().optional(),
  }),
  "twitch.subscription_message": withUser.extend({
    tier,
    /** The resub message the user wrote (may be empty). */
    text: z.string(),
    emotes: z.array(z.object({ begin: z.number().int(), end: z.number().int(), id: z.string() })),
    cumulativeMonths: z.number().int().nonnegative(),
    /** Consecutive months; absent when the user does not share it. */
    streakMonths: z.number().int().nonnegative().optional(),
    /** Months paid for in this purchase. */
    durationMonths: z.number().int().nonnegative(),
  }),
  "twitch.raid": inChannel.extend({
    /** The raiding broadcaster (the channel the raid comes from). */
    user: twitchUserSchema,
    viewers: z.number().int().nonnegative(),
  }),
  "twitch.cheer": inChannel.extend({
    /** The cheerer; absent when the cheer is anonymous. */
    user: twitchUserSchema.optional(),
    isAnonymous: z.boolean(),
    bits: z.number().int().positive(),
    /** The cheer message, cheermotes included as text. */
    text: z.string(),
  }),
  "twitch.channel_points": withUser.extend({
    /** Twitch's id of this redemption. */
    redemptionId: z.string().min(1),
    reward: z.object({
      id: z.string().min(1),
      title: z.string(),
      cost: z.number().int().nonnegative(),
      prompt: z.string(),
    }),
    /** What the viewer typed (Twitch's `user_input`); empty when the reward takes no input. */
    text: z.string(),
    /** `unfulfilled`, `fulfilled`, `canceled` or `unknown`. */
    status: z.string(),
    redeemedAt: timestampSchema,
  }),
  "twitch.stream_online": inChannel.extend({
    /** Twitch's stream id. */
    streamId: z.string().min(1),
    /** `live`, `playlist`, `watch_party`, `premiere` or `rerun`. */
    streamType: z.string(),
    startedAt: timestampSchema,
  }),
  "twitch.stream_offline": inChannel,
  "twitch.channel_update": inChannel.extend({
    title: z.string(),
    /** ISO 639-1 code, or `other`. */
    language: z.string(),
    categoryId: z.string(),
    categoryName: z.string(),
    /** Content classification label ids, e.g. `MatureGame`. */
    contentClassificationLabels: z.array(z.string()),
  }),
} as const;

/** A Twitch account in castbus payloads. */
export type TwitchUser = z.infer<typeof twitchUserSchema>;
/** The author of a `twitch.chat.message`. */
export type TwitchChatter = z.infer<typeof twitchChatterSchema>;
/** A role derived from chat badges. */
export type TwitchChatRole = (typeof TWITCH_CHAT_ROLES)[number];
