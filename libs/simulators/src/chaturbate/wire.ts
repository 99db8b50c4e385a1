/**
 * The Chaturbate Events API wire shapes, as the simulator produces them. These describe what the
 * generator emits; `emit` overrides and `emitRaw` can deliberately break them to test parsers.
 */

/** The 12 methods the Events API documents, in the order the docs list them. */
export const CHATURBATE_METHODS = [
  "broadcastStart",
  "broadcastStop",
  "chatMessage",
  "privateMessage",
  "tip",
  "follow",
  "unfollow",
  "fanclubJoin",
  "mediaPurchase",
  "roomSubjectChange",
  "userEnter",
  "userLeave",
] as const;

/** One of the 12 documented wire methods, e.g. `"tip"` or `"chatMessage"`. */
export type ChaturbateMethod = (typeof CHATURBATE_METHODS)[number];

/** The 17-key `user` object real payloads carry (keys sorted as on the wire). */
export interface WireUser {
  readonly colorGroup: string;
  readonly fcAutoRenew: boolean;
  readonly gender: string;
  readonly hasDarkmode: boolean;
  readonly hasTokens: boolean;
  readonly inFanclub: boolean;
  readonly inPrivateShow: boolean;
  readonly isBroadcasting: boolean;
  readonly isFollower: boolean;
  readonly isMod: boolean;
  readonly isOwner: boolean;
  readonly isSilenced: boolean;
  readonly isSpying: boolean;
  readonly language: string;
  readonly recentTips: string;
  readonly subgender: string;
  readonly username: string;
}

/** `object.message` of chatMessage and privateMessage (`fromUser`/`toUser` on PMs only). */
export interface WireMessage {
  readonly bgColor: string | null;
  readonly color: string;
  readonly font: string;
  readonly fromUser?: string;
  readonly message: string;
  readonly orig: string | null;
  readonly toUser?: string;
}

/** `object.tip`: the note is `""` or `"| <text>"`, as observed on the testbed. */
export interface WireTip {
  readonly isAnon: boolean;
  readonly message: string;
  readonly tokens: number;
}

/** `object.media` of mediaPurchase; `id` is a number as the official docs specify. */
export interface WireMedia {
  readonly id: number | string;
  readonly name: string;
  readonly tokens: number;
  readonly type: string;
}

/** The `object` payload; which keys are present depends on the method. */
export interface WireObject {
  readonly broadcaster: string;
  readonly user?: WireUser;
  readonly message?: WireMessage;
  readonly tip?: WireTip;
  readonly media?: WireMedia;
  readonly subject?: string;
  readonly [key: string]: unknown;
}

/** One event as it appears in `events[]`, keys in wire order: `method`, `object`, `id`. */
export interface WireEvent {
  readonly method: ChaturbateMethod;
  readonly object: WireObject;
  readonly id: string;
}

/** True when `value` names one of the 12 documented methods. */
export function isChaturbateMethod(value: unknown): value is ChaturbateMethod {
  return typeof value === "string" && (CHATURBATE_METHODS as readonly string[]).includes(value);
}

/** True for a JSON-style object (not an array, not null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Returns a copy with the keys of every nested object sorted, because real payloads sort the keys
 * inside `object`, `user`, `message`, `tip` and `media`; a byte-faithful fake copies that.
 */
export function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (!isPlainObject(value)) return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) sorted[key] = sortKeysDeep(value[key]);
  return sorted;
}

/**
 * Deep-merges `overrides` into `base`: objects merge key by key, anything else replaces, and an
 * explicit `undefined` deletes the key (so a test can drop `user` or `media.id`).
 */
export function deepMerge(
  base: Record<string, unknown>,
  overrides: Record<string, unknown>,
): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    const current = merged[key];
    merged[key] =
      isPlainObject(value) && isPlainObject(current) ? deepMerge(current, value) : value;
  }
  return Object.fromEntries(Object.entries(merged).filter(([, value]) => value !== undefined));
}

/** Freezes `value` and everything inside it, so feed entries cannot be edited after the fact. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
