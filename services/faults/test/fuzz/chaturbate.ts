import type { FuzzCase } from "./corpus.js";
import { bool, custom, int, mutate, struct, text, type Shape, type Verdict } from "./fields.js";
import type { Random } from "./random.js";
import {
  HOSTILE_STRINGS,
  PROTO_KEYS,
  clone,
  protoObject,
  replacementValues,
  setOwn,
} from "./values.js";

/**
 * Malformed Chaturbate Events API input, from its wire format (`services/ingester-chaturbate/src/
 * upstream.ts`, reference `chaturbate-events-api.md`): items `{method, object, id}` in a
 * long-poll batch, and whole response bodies.
 */

export const CB_METHODS = [
  "tip",
  "chatMessage",
  "privateMessage",
  "follow",
  "unfollow",
  "fanclubJoin",
  "mediaPurchase",
  "userEnter",
  "userLeave",
  "broadcastStart",
  "broadcastStop",
  "roomSubjectChange",
] as const;
type Method = (typeof CB_METHODS)[number];

const FLAGS = [
  "inFanclub",
  "hasTokens",
  "isMod",
  "isFollower",
  "isOwner",
  "isSilenced",
  "isSpying",
  "isBroadcasting",
  "inPrivateShow",
  "hasDarkmode",
  "fcAutoRenew",
];
const USER_TEXTS = ["recentTips", "gender", "subgender", "colorGroup", "language"];

/** All 17 user keys, as the API sends them. */
function wireUser(username: string): Record<string, unknown> {
  const user: Record<string, unknown> = { username };
  for (const flag of FLAGS) user[flag] = false;
  Object.assign(user, {
    recentTips: "none",
    gender: "m",
    subgender: "",
    colorGroup: "p",
    language: "en",
  });
  return user;
}

/** A well-formed item of `method` with the given id. */
export function cbItem(method: Method, id: string, account: string): Record<string, unknown> {
  const object: Record<string, unknown> = { broadcaster: account };
  if (method !== "roomSubjectChange") object["user"] = wireUser(`viewer_${id}`);
  if (method === "tip") object["tip"] = { tokens: 25, isAnon: false, message: "| nice" };
  if (method === "chatMessage")
    object["message"] = { message: `hi ${id}`, color: "#494949", bgColor: null, font: "default" };
  if (method === "privateMessage")
    object["message"] = {
      message: `psst ${id}`,
      fromUser: `viewer_${id}`,
      toUser: account,
      color: "",
      font: "default",
    };
  if (method === "mediaPurchase")
    object["media"] = { id: 42, type: "photos", name: "set", tokens: 100 };
  if (method === "roomSubjectChange") object["subject"] = `subject ${id}`;
  return { method, object, id };
}

const userShape: Shape = Object.fromEntries([
  ["object.user", struct()],
  ["object.user.username", text({ min: 1 })],
  ...FLAGS.map((f) => [`object.user.${f}`, bool({ nullish: true })]),
  ...USER_TEXTS.map((f) => [`object.user.${f}`, text({ nullish: true })]),
]);

const messageShape = (direct: boolean): Shape => ({
  "object.message": struct(),
  "object.message.message": text(),
  "object.message.color": text({ nullish: true }),
  "object.message.bgColor": text({ nullish: true }),
  "object.message.font": text({ nullish: true }),
  "object.message.orig": text({ nullish: true }),
  // Only a private message publishes who sent it to whom.
  "object.message.fromUser": text(direct ? { min: 1 } : { nullish: true, published: false }),
  "object.message.toUser": text(direct ? { min: 1 } : { nullish: true, published: false }),
});

const mediaId = custom(
  (v) => (typeof v === "number" || (typeof v === "string" && v.length > 0) ? "event" : "dlq"),
  () => ["", "0", 0, -1, 1.5, 1e308, [], null],
);

/** The rules of each method's `object` (the wire schema plus the normalized one's constraints). */
export function cbShape(method: Method): Shape {
  const base: Shape = { "object.broadcaster": text({ min: 1 }) };
  if (method === "roomSubjectChange") return { ...base, "object.subject": text() };
  const withUser = { ...base, ...userShape };
  switch (method) {
    case "tip":
      return {
        ...withUser,
        "object.tip": struct(),
        // The wire takes any integer (or digit string); a tip must be positive once normalized.
        "object.tip.tokens": int({ min: 1, digits: true }),
        "object.tip.isAnon": bool({ nullish: true }),
        "object.tip.message": text({ nullish: true }),
      };
    case "chatMessage":
      return { ...withUser, ...messageShape(false) };
    case "privateMessage":
      return { ...withUser, ...messageShape(true) };
    case "mediaPurchase":
      return {
        ...withUser,
        "object.media": struct(),
        "object.media.id": mediaId,
        "object.media.type": text({ min: 1 }),
        "object.media.name": text(),
        "object.media.tokens": int({ min: 0, digits: true }),
      };
    default:
      return withUser;
  }
}

/** A malformed (or surprising but valid) item; ids are `fz-<index>`. */
export function cbCase(random: Random, index: number, account: string): FuzzCase | undefined {
  const id = `fz-${index}`;
  const method = random.pick(CB_METHODS);
  const item = cbItem(method, id, account);
  const envelope = (
    family: string,
    verdict: Verdict,
    payload: unknown,
    extra: Partial<FuzzCase> = {},
  ): FuzzCase => ({
    family: `envelope:${family}`,
    verdict,
    payload,
    ...(verdict === "event" ? { id: `chaturbate:${account}:${id}` } : {}),
    ...extra,
  });
  switch (random.int(0, 19)) {
    case 0:
      return envelope(
        "notAnObject",
        "dlq",
        random.pick([[item], `${id}`, index + 0.5, [index, "x"], null, true, false]),
      );
    case 1:
      return envelope("id", "dlq", {
        ...item,
        id: random.pick([undefined, "", index, null, {}, [id], true]),
      });
    case 2:
      return oddId(random, item, index, account);
    case 3:
      return envelope("method", "dlq", { ...item, method: badMethod(random, method) });
    case 4:
      return envelope("object", "dlq", { ...item, object: random.pick(replacementValues(random)) });
    case 5: {
      const extra = clone(item);
      setOwn(
        extra,
        random.pick([...PROTO_KEYS, "timestamp", "events", "nextUrl", `k${"x".repeat(5000)}`]),
        protoObject(random),
      );
      return envelope("extraKey", "event", extra);
    }
    default: {
      const m = mutate(item, cbShape(method), random, { giant: true });
      if (m === undefined) return undefined;
      return {
        family: m.family,
        verdict: m.verdict,
        payload: m.payload,
        ...(m.verdict === "event" ? { id: `chaturbate:${account}:${id}` } : {}),
      };
    }
  }
}

/** Ids the API never sends but which are strings: published under their own id, or unpublishable. */
function oddId(
  random: Random,
  item: Record<string, unknown>,
  index: number,
  account: string,
): FuzzCase {
  const base = `fz-${index}`;
  const kind = random.int(0, 5);
  if (kind === 0)
    return {
      family: "envelope:idNewline",
      verdict: "dlq",
      payload: { ...item, id: `${base}\r\nNats-Expected-Stream: X` },
    };
  if (kind === 1) {
    // Past the envelope's 1,024-character id limit once prefixed: the contract says no such envelope.
    const id = `${base}-${"9".repeat(random.int(1_010, 4_000))}`;
    return {
      family: "envelope:idTooLong",
      verdict: "dlq",
      payload: { ...item, id },
    };
  }
  const id = random.pick([
    `${base}-ü`,
    `${base}-\u0007`,
    `${base}\ud800`,
    `${base} inner space`,
    `${base}-${"x".repeat(900)}`,
    `${base}-${random.pick(HOSTILE_STRINGS).trim() || "z"}`,
  ]);
  // The envelope takes any id of well-formed text without control characters; the rest is
  // dead-lettered (a lone surrogate would reach NATS as U+FFFD and collide with its neighbours).
  return idAllowed(id)
    ? {
        family: "envelope:oddId",
        verdict: "event",
        payload: { ...item, id },
        id: `chaturbate:${account}:${id}`,
      }
    : { family: "envelope:badId", verdict: "dlq", payload: { ...item, id } };
}

function idAllowed(id: string): boolean {
  return id.isWellFormed() && !/\p{Cc}/u.test(id);
}

function badMethod(random: Random, method: string): unknown {
  return random.pick([
    method.toUpperCase(),
    `${method} `,
    `${method}Extended`,
    "",
    "tipped",
    random.pick(PROTO_KEYS),
    random.pick(HOSTILE_STRINGS),
    7,
    null,
    [method],
    { method },
  ]);
}

/** A whole response body and what it must become (bodies are dead-lettered once per distinct text). */
export interface BodyCase {
  readonly family: string;
  readonly verdict: Verdict;
  readonly body: string;
  readonly contentType?: string;
}

/** A body that is not the Events API's `{events, nextUrl}`; `n` makes each one distinct. */
export function cbBody(random: Random, n: number): BodyCase {
  const invalidJson = [
    `<html><body><h1>502 Bad Gateway</h1>${n}</body></html>`,
    `{"events":[{"method":"tip","object":{"broadcaster":"x"},"id":"${n}`,
    `{"events":[],"nextUrl":null,"n":${n}`,
    `{'events': [], 'n': ${n}}`,
    `{"events":[],"n":${n}}trailing`,
    `\ufeff{"events":[],"n":${n}}`,
    `{"events":[1,],"n":${n}}`,
    `NaN${n}`,
    `{"events":[],"n":${n}}`.slice(0, random.int(1, 12)) + `…${n}`,
  ];
  const notAPage = [
    `[${n}]`,
    `${n}`,
    `"events ${n}"`,
    `{"events":{"n":${n}}}`,
    `{"events":"${n}"}`,
    `{"events":null,"n":${n}}`,
    `{"events":${n}}`,
    `{"events":true,"n":${n}}`,
  ];
  const empty = [
    `{"n":${n}}`,
    `{"events":[],"nextUrl":null,"n":${n}}`,
    `{"events":[],"nextUrl":"http://elsewhere.example/","n":${n}}`,
  ];
  const roll = random.int(0, 9);
  const contentType = random.pick([
    undefined,
    undefined,
    "text/html; charset=utf-8",
    "application/octet-stream",
  ]);
  const typed = contentType === undefined ? {} : { contentType };
  if (roll < 5)
    return { family: "body:invalidJson", verdict: "dlq", body: random.pick(invalidJson), ...typed };
  if (roll < 9)
    return { family: "body:notAPage", verdict: "dlq", body: random.pick(notAPage), ...typed };
  return { family: "body:emptyPage", verdict: "ignored", body: random.pick(empty), ...typed };
}
