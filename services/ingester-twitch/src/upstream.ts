import { z } from "zod";

/**
 * The EventSub wire format (reference: shared/reference/twitch-eventsub.md §1, §4): the 11
 * subscription types castbus uses, message envelopes and each type's `payload.event`. Lenient
 * where Twitch varies (extra keys, nulls), strict where a consumer would be misled (a chat
 * message without text, a cheer without bits).
 */

/** Who must have authorized a type: the token's user has to be that person. */
export type Authorizer = "broadcaster" | "moderator" | "chatter" | "none";

/** What castbus needs to know to subscribe to one type. */
export interface SubscriptionSpec {
  readonly version: string;
  /** The castbus event type its notifications become. */
  readonly eventType: string;
  /** Any one of these scopes is enough; empty: none needed. */
  readonly scopes: readonly string[];
  readonly authorizer: Authorizer;
  /** Costs 1 toward `max_total_cost` unless the broadcaster authorized the app (§2.5). */
  readonly costsWhenUnauthorized: boolean;
}

const byBroadcaster = (eventType: string, scopes: readonly string[]): SubscriptionSpec => ({
  version: "1",
  eventType,
  scopes,
  authorizer: "broadcaster",
  costsWhenUnauthorized: false,
});

const open = (eventType: string, version = "1"): SubscriptionSpec => ({
  version,
  eventType,
  scopes: [],
  authorizer: "none",
  costsWhenUnauthorized: true,
});

/** The 11 EventSub types castbus subscribes to, in subscription order. */
export const SUBSCRIPTIONS = {
  "channel.chat.message": {
    version: "1",
    eventType: "twitch.chat.message",
    scopes: ["user:read:chat"],
    authorizer: "chatter",
    costsWhenUnauthorized: false,
  },
  "channel.follow": {
    version: "2",
    eventType: "twitch.follow",
    scopes: ["moderator:read:followers"],
    authorizer: "moderator",
    costsWhenUnauthorized: false,
  },
  "channel.subscribe": byBroadcaster("twitch.subscription", ["channel:read:subscriptions"]),
  "channel.subscription.gift": byBroadcaster("twitch.subscription_gift", [
    "channel:read:subscriptions",
  ]),
  "channel.subscription.message": byBroadcaster("twitch.subscription_message", [
    "channel:read:subscriptions",
  ]),
  "channel.raid": open("twitch.raid"),
  "channel.cheer": byBroadcaster("twitch.cheer", ["bits:read"]),
  "channel.channel_points_custom_reward_redemption.add": byBroadcaster("twitch.channel_points", [
    "channel:read:redemptions",
    "channel:manage:redemptions",
  ]),
  "stream.online": open("twitch.stream_online"),
  "stream.offline": open("twitch.stream_offline"),
  "channel.update": open("twitch.channel_update", "2"),
} as const satisfies Record<string, SubscriptionSpec>;

/** One of the 11 EventSub subscription types. */
export type SubscriptionType = keyof typeof SUBSCRIPTIONS;

/** Every subscription type, in subscription order. */
export const SUBSCRIPTION_TYPES = Object.keys(SUBSCRIPTIONS) as SubscriptionType[];

/** Whether `type` is one of the 11 types castbus maps. */
export function isSubscriptionType(type: unknown): type is SubscriptionType {
  return typeof type === "string" && Object.hasOwn(SUBSCRIPTIONS, type);
}

/** RFC 3339 with 0–9 fractional digits, as Twitch (and Go's RFC3339Nano) write them. */
export const rfc3339 = z
  .string()
  .regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?(Z|[+-]\d\d:\d\d)$/, "not RFC 3339");

/** The envelope every EventSub message has. */
export const messageSchema = z.looseObject({
  metadata: z.looseObject({
    message_id: z.string().min(1),
    message_type: z.string().min(1),
    message_timestamp: rfc3339,
    subscription_type: z.string().optional(),
    subscription_version: z.string().optional(),
  }),
  payload: z.looseObject({}),
});

/** A parsed EventSub message. */
export type WireMessage = z.output<typeof messageSchema>;

/** `payload.session` of `session_welcome` and `session_reconnect`. */
export const sessionSchema = z.looseObject({
  id: z.string().min(1),
  status: z.string(),
  keepalive_timeout_seconds: z.number().int().positive().nullable(),
  reconnect_url: z.string().nullable(),
  connected_at: z.string(),
});

/** The subscription object in notifications, revocations and Helix answers. */
export const subscriptionSchema = z.looseObject({
  id: z.string().min(1),
  status: z.string(),
  type: z.string(),
  version: z.string(),
  condition: z.record(z.string(), z.unknown()),
});

/** A parsed subscription object. */
export type WireSubscription = z.output<typeof subscriptionSchema>;

const id = z.string().min(1);
const nullableText = z.string().nullish();

/** `<prefix>_id`, `<prefix>_login`, `<prefix>_name` of a person. */
function person<P extends string>(prefix: P) {
  return {
    [`${prefix}_id`]: id,
    [`${prefix}_login`]: id,
    [`${prefix}_name`]: z.string(),
  } as Record<`${P}_id` | `${P}_login` | `${P}_name`, z.ZodString>;
}

/** The same, all null for anonymous gifts and cheers. */
function maybePerson<P extends string>(prefix: P) {
  return {
    [`${prefix}_id`]: nullableText,
    [`${prefix}_login`]: nullableText,
    [`${prefix}_name`]: nullableText,
  } as Record<`${P}_id` | `${P}_login` | `${P}_name`, typeof nullableText>;
}

const inChannel = z.looseObject(person("broadcaster_user"));
const withUser = inChannel.extend(person("user"));

const fragment = z.looseObject({
  type: z.string(),
  text: z.string(),
  cheermote: z
    .looseObject({ prefix: z.string(), bits: z.number().int(), tier: z.number().int() })
    .nullish(),
  emote: z
    .looseObject({
      id,
      emote_set_id: z.string(),
      owner_id: z.string().nullish(),
      format: z.array(z.string()).nullish(),
    })
    .nullish(),
  mention: z.looseObject({ user_id: id, user_login: id, user_name: z.string() }).nullish(),
});

const badge = z.looseObject({ set_id: z.string(), id: z.string(), info: z.string().nullish() });

const reply = z.looseObject({
  parent_message_id: id,
  parent_message_body: z.string(),
  ...person("parent_user"),
  thread_message_id: id,
  ...person("thread_user"),
});

/** `payload.event` of each type. */
export const eventSchemas = {
  "channel.chat.message": inChannel.extend({
    ...person("chatter_user"),
    message_id: id,
    message: z.looseObject({ text: z.string(), fragments: z.array(fragment).nullish() }),
    message_type: z.string().nullish(),
    color: nullableText,
    badges: z.array(badge).nullish(),
    cheer: z.looseObject({ bits: z.number().int().positive() }).nullish(),
    reply: reply.nullish(),
    channel_points_custom_reward_id: nullableText,
    ...maybePerson("source_broadcaster_user"),
    source_message_id: nullableText,
  }),
  "channel.follow": withUser.extend({ followed_at: rfc3339 }),
  "channel.subscribe": withUser.extend({ tier: id, is_gift: z.boolean() }),
  "channel.subscription.gift": inChannel.extend({
    ...maybePerson("user"),
    total: z.number().int().positive(),
    tier: id,
    cumulative_total: z.number().int().nonnegative().nullish(),
    is_anonymous: z.boolean(),
  }),
  "channel.subscription.message": withUser.extend({
    tier: id,
    message: z.looseObject({
      text: z.string(),
      emotes: z
        .array(z.looseObject({ begin: z.number().int(), end: z.number().int(), id: z.string() }))
        .nullish(),
    }),
    cumulative_months: z.number().int().nonnegative(),
    streak_months: z.number().int().nonnegative().nullish(),
    duration_months: z.number().int().nonnegative(),
  }),
  "channel.raid": z.looseObject({
    ...person("from_broadcaster_user"),
    ...person("to_broadcaster_user"),
    viewers: z.number().int().nonnegative(),
  }),
  "channel.cheer": inChannel.extend({
    ...maybePerson("user"),
    is_anonymous: z.boolean(),
    message: z.string(),
    bits: z.number().int().positive(),
  }),
  "channel.channel_points_custom_reward_redemption.add": withUser.extend({
    id,
    user_input: z.string().nullish(),
    status: z.string(),
    reward: z.looseObject({
      id,
      title: z.string(),
      cost: z.number().int().nonnegative(),
      prompt: z.string().nullish(),
    }),
    redeemed_at: rfc3339,
  }),
  "stream.online": inChannel.extend({ id, type: z.string(), started_at: rfc3339 }),
  "stream.offline": inChannel,
  "channel.update": inChannel.extend({
    title: z.string(),
    language: z.string(),
    category_id: z.string(),
    category_name: z.string(),
    content_classification_labels: z.array(z.string()).nullish(),
  }),
} satisfies Record<SubscriptionType, z.ZodType>;

/** A parsed `payload.event` of `type`. */
export type WireEvent<T extends SubscriptionType> = z.output<(typeof eventSchemas)[T]>;
