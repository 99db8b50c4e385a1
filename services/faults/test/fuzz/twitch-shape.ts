import {
  array,
  bool,
  custom,
  int,
  struct,
  text,
  time,
  type FieldRule,
  type Shape,
} from "./fields.js";

/**
 * The rules of each EventSub type's `payload.event`, from `services/ingester-twitch/src/
 * upstream.ts` (the wire schema) and `libs/events/src/twitch.ts` (what the mapped event must
 * satisfy). Paths are relative to `payload.event`.
 */

type Rules = Record<string, FieldRule>;

const person = (prefix: string): Rules => ({
  [`${prefix}_id`]: text({ min: 1 }),
  [`${prefix}_login`]: text({ min: 1 }),
  [`${prefix}_name`]: text(),
});

const listOf = (ok: (v: Record<string, unknown>) => boolean) => (v: unknown) =>
  typeof v === "object" && v !== null && !Array.isArray(v) && ok(v as Record<string, unknown>);

/**
 * The nullable gifter/cheerer: a user is published only when not anonymous and both id and login
 * are non-null, and then the normalized user needs both non-empty.
 */
function maybePerson(prefix: string, event: Record<string, unknown>): Rules {
  const anonymous = event["is_anonymous"] === true;
  const rule = (other: unknown): FieldRule =>
    custom(
      (v) => {
        if (v === undefined || v === null) return "event";
        if (typeof v !== "string") return "dlq";
        return v === "" && !anonymous && other !== null && other !== undefined ? "dlq" : "event";
      },
      () => ["", null, 5, "x"],
    );
  return {
    [`${prefix}_id`]: rule(event[`${prefix}_login`]),
    [`${prefix}_login`]: rule(event[`${prefix}_id`]),
    [`${prefix}_name`]: text({ nullish: true }),
  };
}

const chatMessage = (): Rules => ({
  ...person("chatter_user"),
  message_id: text({ min: 1 }),
  message: struct(),
  "message.text": text(),
  "message.fragments": array({
    nullish: true,
    element: listOf((f) => typeof f["type"] === "string" && typeof f["text"] === "string"),
  }),
  message_type: text({ nullish: true }),
  color: text({ nullish: true }),
  badges: array({
    nullish: true,
    element: listOf((x) => typeof x["set_id"] === "string" && typeof x["id"] === "string"),
  }),
  cheer: struct({ nullish: true }),
  "cheer.bits": int({ min: 1 }),
  reply: struct({ nullish: true }),
  channel_points_custom_reward_id: text({ nullish: true }),
});

const resubscription = (): Rules => ({
  ...person("user"),
  tier: text({ min: 1 }),
  message: struct(),
  "message.text": text(),
  "message.emotes": array({
    nullish: true,
    element: listOf(
      (x) =>
        Number.isSafeInteger(x["begin"]) &&
        Number.isSafeInteger(x["end"]) &&
        typeof x["id"] === "string",
    ),
  }),
  cumulative_months: int({ min: 0 }),
  streak_months: int({ min: 0, nullish: true }),
  duration_months: int({ min: 0 }),
});

const redemption = (): Rules => ({
  ...person("user"),
  id: text({ min: 1 }),
  user_input: text({ nullish: true }),
  status: text(),
  reward: struct(),
  "reward.id": text({ min: 1 }),
  "reward.title": text(),
  "reward.cost": int({ min: 0 }),
  "reward.prompt": text({ nullish: true }),
  redeemed_at: time(),
});

/** Each type's own fields (besides the channel's `broadcaster_user_*`, except for raids). */
const TYPE_RULES: Readonly<Record<string, (event: Record<string, unknown>) => Rules>> = {
  "channel.chat.message": chatMessage,
  "channel.follow": () => ({ ...person("user"), followed_at: time() }),
  "channel.subscribe": () => ({ ...person("user"), tier: text({ min: 1 }), is_gift: bool() }),
  "channel.subscription.gift": (event) => ({
    ...maybePerson("user", event),
    total: int({ min: 1 }),
    tier: text({ min: 1 }),
    cumulative_total: int({ min: 0, nullish: true }),
    is_anonymous: bool(),
  }),
  "channel.subscription.message": resubscription,
  "channel.cheer": (event) => ({
    ...maybePerson("user", event),
    is_anonymous: bool(),
    message: text(),
    bits: int({ min: 1 }),
  }),
  "channel.channel_points_custom_reward_redemption.add": redemption,
  "stream.online": () => ({ id: text({ min: 1 }), type: text(), started_at: time() }),
  "stream.offline": () => ({}),
  "channel.update": () => ({
    title: text(),
    language: text(),
    category_id: text(),
    category_name: text(),
    content_classification_labels: array({ nullish: true, element: (v) => typeof v === "string" }),
  }),
};

/** The rules of `payload.event` of `type`, as paths from the message root. */
export function twitchShape(type: string, event: Record<string, unknown>): Shape {
  const channel =
    type === "channel.raid"
      ? {
          ...person("from_broadcaster_user"),
          ...person("to_broadcaster_user"),
          viewers: int({ min: 0 }),
        }
      : { ...person("broadcaster_user"), ...(TYPE_RULES[type]?.(event) ?? {}) };
  return Object.fromEntries(
    Object.entries(channel).map(([path, rule]) => [`payload.event.${path}`, rule]),
  );
}
