import { describeIssues } from "@castbus/events";
import type { MapResult, UpstreamRecord } from "@castbus/ingest";
import {
  SUBSCRIPTIONS,
  eventSchemas,
  isSubscriptionType,
  messageSchema,
  type SubscriptionType,
  type WireEvent,
} from "./upstream.js";

/** Options of {@link toEvent}. */
export interface MapOptions {
  /** Keep the EventSub `event` object under `data.raw` (off by default). */
  readonly keepRaw: boolean;
}

type Data = Record<string, unknown>;

/**
 * Maps one EventSub `notification` message to a castbus event, or says why it cannot. The id
 * is `twitch:<metadata.message_id>`: Twitch keeps the message id when it re-sends a
 * notification, so JetStream drops its redeliveries. `time` is the event's own timestamp where
 * the type has one (`followed_at`, `redeemed_at`, `started_at`), else `message_timestamp`.
 */
export function toEvent(record: UpstreamRecord, options: MapOptions): MapResult {
  const parsed = messageSchema.safeParse(record.value ?? parseJson(record.raw));
  if (!parsed.success) {
    return { ok: false, reason: "invalid_message", message: describeIssues(parsed.error) };
  }
  const { metadata, payload } = parsed.data;
  const upstreamId = metadata.message_id;
  if (metadata.message_type !== "notification") {
    const message = `not a notification: ${metadata.message_type}`;
    return { ok: false, reason: "unexpected_message", message, upstreamId };
  }
  const type = metadata.subscription_type;
  if (!isSubscriptionType(type)) {
    const message = `unknown subscription type ${JSON.stringify(type)}`;
    return { ok: false, reason: "unknown_type", message, upstreamId };
  }
  const event = eventSchemas[type].safeParse(payload["event"]);
  if (!event.success) {
    const message = `${type}: ${describeIssues(event.error)}`;
    return { ok: false, reason: "invalid_payload", message, upstreamId };
  }
  const data = MAPPERS[type](event.data as never);
  if (options.keepRaw) data["raw"] = payload["event"];
  return {
    ok: true,
    event: {
      id: `twitch:${upstreamId}`,
      type: SUBSCRIPTIONS[type].eventType,
      time: ownTime(event.data as Data) ?? metadata.message_timestamp,
      data,
    },
  };
}

const MAPPERS: { [T in SubscriptionType]: (e: WireEvent<T>) => Data } = {
  "channel.chat.message": chatMessage,
  "channel.follow": (e) => ({ ...channel(e), user: person(e, "user"), followedAt: e.followed_at }),
  "channel.subscribe": (e) => ({
    ...channel(e),
    user: person(e, "user"),
    tier: e.tier,
    isGift: e.is_gift,
  }),
  "channel.subscription.gift": (e) => ({
    ...channel(e),
    ...optionalPerson(e, "user", e.is_anonymous),
    isAnonymous: e.is_anonymous,
    total: e.total,
    tier: e.tier,
    ...defined("cumulativeTotal", e.cumulative_total),
  }),
  "channel.subscription.message": (e) => ({
    ...channel(e),
    user: person(e, "user"),
    tier: e.tier,
    text: e.message.text,
    emotes: (e.message.emotes ?? []).map(({ begin, end, id }) => ({ begin, end, id })),
    cumulativeMonths: e.cumulative_months,
    ...defined("streakMonths", e.streak_months),
    durationMonths: e.duration_months,
  }),
  "channel.raid": (e) => ({
    broadcaster: person(e, "to_broadcaster_user"),
    user: person(e, "from_broadcaster_user"),
    viewers: e.viewers,
  }),
  "channel.cheer": (e) => ({
    ...channel(e),
    ...optionalPerson(e, "user", e.is_anonymous),
    isAnonymous: e.is_anonymous,
    bits: e.bits,
    text: e.message,
  }),
  "channel.channel_points_custom_reward_redemption.add": (e) => ({
    ...channel(e),
    user: person(e, "user"),
    redemptionId: e.id,
    reward: {
      id: e.reward.id,
      title: e.reward.title,
      cost: e.reward.cost,
      prompt: e.reward.prompt ?? "",
    },
    text: e.user_input ?? "",
    status: e.status,
    redeemedAt: e.redeemed_at,
  }),
  "stream.online": (e) => ({
    ...channel(e),
    streamId: e.id,
    streamType: e.type,
    startedAt: e.started_at,
  }),
  "stream.offline": (e) => channel(e),
  "channel.update": (e) => ({
    ...channel(e),
    title: e.title,
    language: e.language,
    categoryId: e.category_id,
    categoryName: e.category_name,
    contentClassificationLabels: e.content_classification_labels ?? [],
  }),
};

function chatMessage(e: WireEvent<"channel.chat.message">): Data {
  const source = e.source_broadcaster_user_id;
  return {
    ...channel(e),
    user: chatter(e),
    text: e.message.text,
    messageId: e.message_id,
    messageType: e.message_type ?? "text",
    fragments: (e.message.fragments ?? []).map(fragment),
    ...defined("bits", e.cheer?.bits),
    ...(e.reply == null ? {} : { reply: reply(e.reply) }),
    ...defined("channelPointsRewardId", e.channel_points_custom_reward_id),
    // Shared chat: only say where a message came from when it is another channel.
    ...(source == null || source === e.broadcaster_user_id
      ? {}
      : {
          ...optionalPerson(e, "source_broadcaster_user", false, "sourceBroadcaster"),
          ...defined("sourceMessageId", e.source_message_id),
        }),
  };
}

type WireFragment = NonNullable<WireEvent<"channel.chat.message">["message"]["fragments"]>[number];

function fragment(f: WireFragment): Data {
  return {
    type: f.type,
    text: f.text,
    ...(f.emote == null
      ? {}
      : {
          emote: {
            id: f.emote.id,
            setId: f.emote.emote_set_id,
            ownerId: f.emote.owner_id ?? "",
            format: f.emote.format ?? [],
          },
        }),
    ...(f.cheermote == null ? {} : { cheermote: { ...f.cheermote } }),
    ...(f.mention == null ? {} : { mention: person(f.mention, "user") }),
  };
}

function reply(r: NonNullable<WireEvent<"channel.chat.message">["reply"]>): Data {
  return {
    parentMessageId: r.parent_message_id,
    parentText: r.parent_message_body,
    parentUser: person(r, "parent_user"),
    threadMessageId: r.thread_message_id,
    threadUser: person(r, "thread_user"),
  };
}

/** Badge sets that grant a role; a founder is also a subscriber; verified chat bots are `bot`. */
const BADGE_ROLES: Readonly<Record<string, readonly string[]>> = {
  broadcaster: ["broadcaster"],
  moderator: ["moderator"],
  lead_moderator: ["moderator"],
  vip: ["vip"],
  subscriber: ["subscriber"],
  founder: ["founder", "subscriber"],
  "artist-badge": ["artist"],
  staff: ["staff"],
  admin: ["staff"],
  global_mod: ["staff"],
  partner: ["partner"],
  "bot-badge": ["bot"],
};

/** The chatter with badges, the roles they grant and the flags bots filter on. */
function chatter(e: WireEvent<"channel.chat.message">): Data {
  const badges = (e.badges ?? []).map((b) => ({ setId: b.set_id, id: b.id, info: b.info ?? "" }));
  const roles = [...new Set(badges.flatMap((b) => BADGE_ROLES[b.setId] ?? []))];
  const isBroadcaster =
    roles.includes("broadcaster") || e.chatter_user_id === e.broadcaster_user_id;
  if (isBroadcaster && !roles.includes("broadcaster")) roles.unshift("broadcaster");
  return {
    ...person(e, "chatter_user"),
    ...(e.color == null || e.color === "" ? {} : { color: e.color }),
    badges,
    roles,
    isBroadcaster,
    isModerator: roles.includes("moderator"),
    isVip: roles.includes("vip"),
    isSubscriber: roles.includes("subscriber"),
  };
}

/** The shared `user` shape from `<prefix>_id/_login/_name`. */
function person(e: object, prefix: string): Data {
  const fields = e as Record<string, unknown>;
  return {
    id: fields[`${prefix}_id`],
    username: fields[`${prefix}_login`],
    displayName: fields[`${prefix}_name`],
  };
}

/** `{ [key]: person }` unless anonymous or absent (Twitch sends nulls then). */
function optionalPerson(e: object, prefix: string, anonymous: boolean, key = "user"): Data {
  const fields = e as Record<string, unknown>;
  if (anonymous || fields[`${prefix}_id`] == null || fields[`${prefix}_login`] == null) return {};
  return { [key]: { ...person(e, prefix), displayName: fields[`${prefix}_name`] ?? "" } };
}

function channel(e: object): Data {
  return { broadcaster: person(e, "broadcaster_user") };
}

function defined(key: string, value: unknown): Data {
  return value === undefined || value === null ? {} : { [key]: value };
}

function ownTime(event: Data): string | undefined {
  for (const key of ["followed_at", "redeemed_at", "started_at"]) {
    if (typeof event[key] === "string") return event[key];
  }
  return undefined;
}

function parseJson(raw: string | Uint8Array): unknown {
  try {
    return JSON.parse(typeof raw === "string" ? raw : Buffer.from(raw).toString("utf8"));
  } catch {
    return undefined;
  }
}
