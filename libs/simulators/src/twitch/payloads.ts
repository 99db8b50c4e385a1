import { createHash, randomUUID } from "node:crypto";
import type { Random } from "../chaturbate/random.js";
import { VIEWER_NAMES } from "../chaturbate/vocabulary.js";
import type { Directory } from "./directory.js";
import {
  CATEGORIES,
  CHAT_LINES,
  CLASSIFICATION_LABELS,
  COLORS,
  EMOTES,
  RESUB_LINES,
  REWARDS,
  TITLES,
} from "./vocabulary.js";
import { nanoTimestamp } from "./wire.js";

type Event = Record<string, unknown>;
type Person = { id: string; login: string; name: string };

/**
 * Builds a type-correct `payload.event` (§4) for a subscription's condition: the broadcaster
 * from the directory, viewers from a stable pool (the same login always has the same id),
 * realistic amounts, badges, emote fragments, replies, anonymous gifts and cheers.
 */
export class EventFactory {
  readonly #random: Random;
  readonly #directory: Directory;

  constructor(random: Random, directory: Directory) {
    this.#random = random;
    this.#directory = directory;
  }

  /** An event for `type` in the channel named by `condition`. */
  event(type: string, condition: Readonly<Record<string, string>>): Event {
    const channel = this.#person(
      condition["broadcaster_user_id"] ??
        condition["to_broadcaster_user_id"] ??
        condition["from_broadcaster_user_id"],
    );
    const broadcaster = prefixed("broadcaster_user", channel);
    const viewer = this.#viewer();
    const user = prefixed("user", viewer);
    const r = this.#random;
    switch (type) {
      case "channel.chat.message":
        return { ...broadcaster, ...this.#chat(channel, viewer) };
      case "channel.follow":
        return { ...user, ...broadcaster, followed_at: nanoTimestamp(new Date()) };
      case "channel.subscribe":
        return { ...user, ...broadcaster, tier: this.#tier(), is_gift: r.chance(0.3) };
      case "channel.subscription.gift":
        return { ...this.#gift(viewer), ...broadcaster };
      case "channel.subscription.message":
        return { ...user, ...broadcaster, ...this.#resub() };
      case "channel.raid":
        return this.#raid(condition, channel, viewer);
      case "channel.cheer":
        return { ...this.#cheer(viewer), ...broadcaster };
      case "channel.channel_points_custom_reward_redemption.add":
        return { ...broadcaster, ...user, ...this.#redemption(condition["reward_id"]) };
      case "stream.online":
        return { id: String(r.int(10_000_000_000, 99_999_999_999)), ...broadcaster, ...live() };
      case "stream.offline":
        return broadcaster;
      case "channel.update":
        return { ...broadcaster, ...this.#channelUpdate() };
      default:
        return { ...broadcaster };
    }
  }

  #chat(channel: Person, viewer: Person): Event {
    const r = this.#random;
    const chatter = r.chance(0.05) ? channel : viewer;
    const bits = r.chance(0.08) ? r.pick([1, 100, 500, 1000]) : undefined;
    const emote = r.pick(EMOTES);
    const line = r.pick(CHAT_LINES).replaceAll("{emote}", emote.name);
    const fragments = [
      ...(bits === undefined ? [] : [cheermote(bits), textFragment(" ")]),
      ...splitEmotes(line),
    ];
    return {
      ...prefixed("chatter_user", chatter),
      message_id: randomUUID(),
      message: { text: fragments.map((f) => f["text"]).join(""), fragments },
      color: r.pick(COLORS),
      badges: this.#badges(chatter === channel),
      message_type: "text",
      cheer: bits === undefined ? null : { bits },
      reply: r.chance(0.1) ? this.#reply() : null,
      channel_points_custom_reward_id: null,
      source_broadcaster_user_id: null,
      source_broadcaster_user_login: null,
      source_broadcaster_user_name: null,
      source_message_id: null,
      source_badges: null,
    };
  }

  #badges(isBroadcaster: boolean): Event[] {
    const r = this.#random;
    if (isBroadcaster) return [{ set_id: "broadcaster", id: "1", info: "" }];
    const badges: Event[] = [];
    if (r.chance(0.1)) badges.push({ set_id: "moderator", id: "1", info: "" });
    else if (r.chance(0.08)) badges.push({ set_id: "vip", id: "1", info: "" });
    if (r.chance(0.35)) {
      const months = r.int(1, 40);
      badges.push({
        set_id: "subscriber",
        id: String(months >= 12 ? 12 : months),
        info: String(months),
      });
    }
    if (r.chance(0.1)) badges.push({ set_id: "bits", id: "1000", info: "" });
    return badges;
  }

  #reply(): Event {
    const parent = this.#viewer();
    const id = randomUUID();
    return {
      parent_message_id: id,
      parent_message_body: this.#random.pick(CHAT_LINES).replaceAll("{emote}", "Kappa"),
      parent_user_id: parent.id,
      parent_user_name: parent.name,
      parent_user_login: parent.login,
      thread_message_id: id,
      thread_user_id: parent.id,
      thread_user_name: parent.name,
      thread_user_login: parent.login,
    };
  }

  #gift(gifter: Person): Event {
    const r = this.#random;
    const anonymous = r.chance(0.2);
    return {
      ...(anonymous
        ? { user_id: null, user_login: null, user_name: null }
        : prefixed("user", gifter)),
      total: r.pick([1, 1, 5, 10, 20]),
      tier: this.#tier(),
      cumulative_total: anonymous ? null : r.int(1, 300),
      is_anonymous: anonymous,
    };
  }

  #resub(): Event {
    const r = this.#random;
    const emote = r.pick(EMOTES);
    const base = r.pick(RESUB_LINES);
    const text = base === "" ? "" : `${base} ${emote.name}`;
    const emotes =
      text === "" ? [] : [{ begin: base.length + 1, end: text.length - 1, id: emote.id }];
    const cumulative = r.int(2, 60);
    return {
      tier: this.#tier(),
      message: { text, emotes },
      cumulative_months: cumulative,
      streak_months: r.chance(0.3) ? null : r.int(1, cumulative),
      duration_months: r.pick([1, 1, 3, 6]),
    };
  }

  #raid(condition: Readonly<Record<string, string>>, channel: Person, other: Person): Event {
    const incoming = condition["to_broadcaster_user_id"] !== undefined;
    const [from, to] = incoming ? [other, channel] : [channel, other];
    return {
      ...prefixed("from_broadcaster_user", from),
      ...prefixed("to_broadcaster_user", to),
      viewers: this.#random.int(1, 2000),
    };
  }

  #cheer(cheerer: Person): Event {
    const r = this.#random;
    const anonymous = r.chance(0.1);
    const bits = r.pick([1, 50, 100, 500, 1000, 10_000]);
    return {
      is_anonymous: anonymous,
      ...(anonymous
        ? { user_id: null, user_login: null, user_name: null }
        : prefixed("user", cheerer)),
      message: `Cheer${bits} ${r.pick(["pogchamp", "great stream", "GG"])}`,
      bits,
    };
  }

  #redemption(rewardId: string | undefined): Event {
    const r = this.#random;
    const reward = r.pick(REWARDS);
    return {
      id: randomUUID(),
      user_input: reward.input ? r.pick(["Bohemian Rhapsody", "airhorn", "hi mom"]) : "",
      status: "unfulfilled",
      reward: {
        id: rewardId ?? uuidFrom(reward.title),
        title: reward.title,
        cost: reward.cost,
        prompt: reward.prompt,
      },
      redeemed_at: nanoTimestamp(new Date()),
    };
  }

  #channelUpdate(): Event {
    const r = this.#random;
    const category = r.pick(CATEGORIES);
    return {
      title: r.pick(TITLES),
      language: r.pick(["en", "en", "de", "es"]),
      category_id: category.id,
      category_name: category.name,
      content_classification_labels: r.chance(0.3) ? [r.pick(CLASSIFICATION_LABELS)] : [],
    };
  }

  #tier(): string {
    return this.#random.pick(["1000", "1000", "1000", "2000", "3000"]);
  }

  #person(id: string | undefined): Person {
    const user = id === undefined ? undefined : this.#directory.user(id);
    if (user === undefined)
      return { id: id ?? "0", login: `user_${id ?? "0"}`, name: `User_${id}` };
    return { id: user.id, login: user.login, name: user.displayName };
  }

  #viewer(): Person {
    const login = this.#random.pick(VIEWER_NAMES);
    const digits = createHash("sha256").update(login).digest().readUInt32BE(0) % 900_000_000;
    const name = this.#random.chance(0.5) ? login : login[0]!.toUpperCase() + login.slice(1);
    return { id: String(100_000_000 + digits), login, name };
  }
}

function live(): Event {
  return { type: "live", started_at: nanoTimestamp(new Date()) };
}

function prefixed(prefix: string, person: Person): Event {
  return {
    [`${prefix}_id`]: person.id,
    [`${prefix}_login`]: person.login,
    [`${prefix}_name`]: person.name,
  };
}

function textFragment(text: string): Event {
  return { type: "text", text, cheermote: null, emote: null, mention: null };
}

function cheermote(bits: number): Event {
  const tier = bits >= 1000 ? 1000 : bits >= 100 ? 100 : 1;
  return {
    type: "cheermote",
    text: `Cheer${bits}`,
    cheermote: { prefix: "cheer", bits, tier },
    emote: null,
    mention: null,
  };
}

/** Splits a line into text and emote fragments, as Twitch does for known emote names. */
function splitEmotes(line: string): Event[] {
  const fragments: Event[] = [];
  let text = "";
  for (const word of line.split(/(\s+)/)) {
    const emote = EMOTES.find((e) => e.name === word);
    if (emote === undefined) {
      text += word;
      continue;
    }
    if (text !== "") fragments.push(textFragment(text));
    text = "";
    fragments.push({
      type: "emote",
      text: word,
      cheermote: null,
      emote: { id: emote.id, emote_set_id: "0", owner_id: "0", format: ["static"] },
      mention: null,
    });
  }
  if (text !== "" || fragments.length === 0) fragments.push(textFragment(text));
  return fragments;
}

/** A stable UUID-shaped id for a reward title. */
function uuidFrom(seed: string): string {
  const hex = createHash("sha256").update(seed).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
