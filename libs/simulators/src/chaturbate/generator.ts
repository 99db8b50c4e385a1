import type { Random } from "./random.js";
import {
  CHAT_LINES,
  LANGUAGES,
  MEDIA_NAMES,
  MESSAGE_COLORS,
  MESSAGE_FONTS,
  PM_FROM_BROADCASTER,
  PM_FROM_VIEWER,
  SUBJECTS,
  TIP_AMOUNTS,
  TIP_NOTES,
  VIEWER_NAMES,
} from "./vocabulary.js";
import type { ChaturbateMethod, WireMessage, WireUser } from "./wire.js";

type MutableUser = { -readonly [K in keyof WireUser]: WireUser[K] };

/** How often each method appears in a random stream: chat dominates, broadcast edges are rare. */
export const METHOD_WEIGHTS: Readonly<Record<ChaturbateMethod, number>> = {
  chatMessage: 40,
  userEnter: 16,
  userLeave: 14,
  tip: 9,
  privateMessage: 6,
  follow: 5,
  mediaPurchase: 2,
  unfollow: 1.5,
  roomSubjectChange: 1.5,
  fanclubJoin: 1,
  broadcastStart: 0.5,
  broadcastStop: 0.5,
};

/**
 * Builds realistic `object` payloads for one broadcaster's room. Viewers keep a stable profile
 * (gender, language, tip level...) across events, and follow/unfollow/fanclubJoin update it, so
 * a stream reads like one room rather than unrelated samples.
 */
export class RoomGenerator {
  private readonly viewers = new Map<string, MutableUser>();
  private broadcasting = true;

  constructor(
    private readonly broadcaster: string,
    private readonly random: Random,
  ) {}

  /** A method drawn from {@link METHOD_WEIGHTS}. */
  randomMethod(): ChaturbateMethod {
    return this.random.weighted(METHOD_WEIGHTS);
  }

  /** A fresh `object` payload for `method` (keys not yet sorted; overrides not yet applied). */
  payload(method: ChaturbateMethod): Record<string, unknown> {
    const broadcaster = this.broadcaster;
    switch (method) {
      case "broadcastStart":
      case "broadcastStop":
        this.broadcasting = method === "broadcastStart";
        return { broadcaster, user: this.broadcasterUser() };
      case "chatMessage":
        return { broadcaster, user: this.viewer(), message: this.message(CHAT_LINES) };
      case "privateMessage":
        return this.privateMessage();
      case "tip":
        return { broadcaster, user: this.viewer(), tip: this.tip() };
      case "follow":
      case "unfollow":
        return { broadcaster, user: this.viewer({ isFollower: method === "follow" }) };
      case "fanclubJoin":
        return { broadcaster, user: this.viewer({ inFanclub: true }) };
      case "mediaPurchase":
        return { broadcaster, user: this.viewer(), media: this.media() };
      case "roomSubjectChange":
        return { broadcaster, subject: this.random.pick(SUBJECTS) };
      case "userEnter":
      case "userLeave":
        return { broadcaster, user: this.viewer() };
    }
  }

  // A PM is sent or received by the broadcaster; `user` is the sender (an inference: the docs'
  // only example is a viewer writing to the broadcaster).
  private privateMessage(): Record<string, unknown> {
    const viewer = this.viewer();
    const fromBroadcaster = this.random.chance(0.35);
    const sender = fromBroadcaster ? this.broadcasterUser() : viewer;
    const message = {
      ...this.message(fromBroadcaster ? PM_FROM_BROADCASTER : PM_FROM_VIEWER),
      fromUser: sender.username,
      toUser: fromBroadcaster ? viewer.username : this.broadcaster,
    };
    return { broadcaster: this.broadcaster, user: sender, message };
  }

  private message(lines: readonly string[]): WireMessage {
    return {
      bgColor: null,
      color: this.random.pick(MESSAGE_COLORS),
      font: this.random.pick(MESSAGE_FONTS),
      message: this.random.pick(lines),
      orig: null,
    };
  }

  // Anonymous tips still carry the real user, as observed on the testbed.
  private tip(): Record<string, unknown> {
    const withNote = this.random.chance(0.45);
    return {
      isAnon: this.random.chance(0.08),
      message: withNote ? `| ${this.random.pick(TIP_NOTES)}` : "",
      tokens: Number(this.random.weighted(TIP_AMOUNTS)),
    };
  }

  private media(): Record<string, unknown> {
    const type = this.random.chance(0.6) ? "photos" : "video";
    return {
      id: this.random.int(1, 5000),
      name: this.random.pick(MEDIA_NAMES[type]),
      tokens: this.random.pick(type === "photos" ? [10, 25, 50] : [50, 100, 200]),
      type,
    };
  }

  /** A viewer from the pool, with `changes` applied to (and kept in) their profile. */
  private viewer(changes: Partial<MutableUser> = {}): WireUser {
    let username = this.random.pick(VIEWER_NAMES);
    while (username === this.broadcaster) username = this.random.pick(VIEWER_NAMES);
    const profile = this.viewers.get(username) ?? this.newViewer(username);
    Object.assign(profile, changes);
    profile.colorGroup = colorGroupOf(profile);
    this.viewers.set(username, profile);
    return { ...profile };
  }

  private newViewer(username: string): MutableUser {
    const random = this.random;
    const gender = random.weighted({ m: 70, f: 18, c: 6, t: 6 });
    const recentTips = random.weighted({ none: 55, some: 25, lots: 13, tons: 7 });
    const inFanclub = random.chance(0.06);
    const user: MutableUser = {
      colorGroup: "",
      fcAutoRenew: inFanclub && random.chance(0.7),
      gender,
      hasDarkmode: random.chance(0.3),
      hasTokens: recentTips !== "none" || random.chance(0.5),
      inFanclub,
      inPrivateShow: false,
      isBroadcasting: false,
      isFollower: random.chance(0.3),
      isMod: random.chance(0.04),
      isOwner: false,
      isSilenced: random.chance(0.01),
      isSpying: false,
      language: random.weighted(LANGUAGES),
      recentTips,
      subgender: gender === "t" ? random.pick(["tf", "tm", "tn"]) : "",
      username,
    };
    user.colorGroup = colorGroupOf(user);
    return user;
  }

  private broadcasterUser(): WireUser {
    return {
      colorGroup: "o",
      fcAutoRenew: false,
      gender: "f",
      hasDarkmode: false,
      hasTokens: true,
      inFanclub: false,
      inPrivateShow: false,
      isBroadcasting: this.broadcasting,
      isFollower: false,
      isMod: false,
      isOwner: true,
      isSilenced: false,
      isSpying: false,
      language: "en",
      recentTips: "none",
      subgender: "",
      username: this.broadcaster,
    };
  }
}

// The colour group follows the most significant role, per the cb-events docstring's value list.
function colorGroupOf(user: WireUser): string {
  if (user.isOwner) return "o";
  if (user.isMod) return "m";
  if (user.inFanclub) return "f";
  const byTips: Readonly<Record<string, string>> = { tons: "l", lots: "p", some: "tr" };
  return byTips[user.recentTips] ?? (user.hasTokens ? "t" : "g");
}
