import type { FuzzCase } from "./corpus.js";
import { bool, custom, mutate, text, type Shape, type Verdict } from "./fields.js";
import type { Random } from "./random.js";
import { PROTO_KEYS, protoObject, setOwn } from "./values.js";

/**
 * Malformed Token Bowl chat input, from its wire format (`libs/tokenbowl/src/upstream.ts`,
 * reference `token-bowl-chat-api.md`): messages in `GET /messages` and `GET /messages/direct`
 * pages, and whole page bodies. The server keeps its newest 100 messages and filters by the
 * stored timestamp text, so a malformed message must sort where the ingester's `since` still
 * reaches it: every case carries the timestamp of the good message just before it, or
 * something that starts with it, or a non-string (stored at the server's clock).
 */

export const READER = "reader";
export const AUTHOR = "author";

/** A message in the server's current 12-field shape. */
export function tbMessage(
  id: string,
  timestamp: string,
  to: string | null,
): Record<string, unknown> {
  return {
    id,
    from_user_id: "7d7e4a52-1111-4c1e-9a55-000000000001",
    from_username: AUTHOR,
    from_user_logo: "claude-color.png",
    from_user_emoji: null,
    from_user_bot: false,
    to_user_id: to === null ? null : "7d7e4a52-2222-4c1e-9a55-000000000002",
    to_username: to,
    content: `message ${id}`,
    message_type: to === null ? "room" : "direct",
    description: "A chat message",
    timestamp,
  };
}

/** The rules of a message (wire schema plus the normalized one), for a room message or a DM. */
function tbShape(direct: boolean, timestamp: string): Shape {
  const optional = text({ nullish: true });
  return {
    from_username: text({ min: 1 }),
    content: text(),
    message_type: custom(
      (v) => {
        if (v === undefined || v === "room" || v === "system") return "event";
        return v === "direct" && direct ? "event" : "dlq";
      },
      () => ["direct", "room", "system", "Room", null, "", 1],
    ),
    from_user_id: optional,
    from_user_logo: optional,
    from_user_emoji: optional,
    // Neither reaches the event (a room message names no recipient; `description` is dropped).
    to_user_id: direct ? optional : text({ nullish: true, published: false }),
    description: text({ nullish: true, published: false }),
    from_user_bot: bool({ nullish: true }),
    // Any string recipient makes the server file it as someone's DM, out of this account's sight.
    // Without a recipient a DM (`message_type: direct`) is refused; any other string recipient
    // makes the server file it as someone else's DM, out of this account's sight.
    to_username: custom(
      (v) =>
        v === undefined || v === null
          ? direct
            ? "dlq"
            : "event"
          : typeof v === "string"
            ? "ignored"
            : "dlq",
      () => [null, 5, [], {}],
    ),
    timestamp: custom(
      (v) => (v === timestamp ? "event" : "dlq"),
      () => [
        timestamp,
        `${timestamp}x`,
        `${timestamp} `,
        `${timestamp}\u0000`,
        `${timestamp.slice(0, -6)}+99:99`,
        1_762_366_961,
        null,
        true,
        [],
      ],
    ),
  };
}

/** What a message case becomes once served, and how the source must take it. */
export interface TbRecordCase extends FuzzCase {
  /** The item to `postRaw` (served verbatim). */
  readonly payload: Record<string, unknown>;
}

/**
 * One malformed (or odd but valid) message: ids `fz-<index>`, timestamp `tie` (the good message
 * before it). Undefined when the draw would hide it from this account (the caller draws again).
 */
export function tbCase(
  random: Random,
  index: number,
  tie: string,
  account: string,
): TbRecordCase | undefined {
  const direct = random.chance(0.25);
  const item = tbMessage(`fz-${index}`, tie, direct ? READER : null);
  const id = `tokenbowl:${account}:fz-${index}`;
  const as = (
    family: string,
    verdict: Verdict,
    payload: Record<string, unknown>,
  ): TbRecordCase => ({
    family,
    verdict,
    payload,
    ...(verdict === "event" ? { id } : {}),
  });
  const roll = random.int(0, 9);
  if (roll === 0)
    return as("envelope:id", "dlq", {
      ...item,
      id: random.pick([undefined, "", index, null, [index], {}]),
    });
  if (roll === 1) {
    const extra = { ...item };
    setOwn(extra, random.pick([...PROTO_KEYS, "api_key", `x_${index}`]), protoObject(random));
    return as("extraKey:(root)", "event", extra);
  }
  const m = mutate(item, tbShape(direct, tie), random, { giant: true });
  if (m === undefined || m.verdict === "ignored") return undefined;
  const stamp = (m.payload as Record<string, unknown>)["timestamp"];
  if (typeof stamp === "string" && !stamp.startsWith(tie)) return undefined; // would sort out of reach
  return as(m.family, m.verdict, m.payload as Record<string, unknown>);
}

/** A page body served instead of the real one, and the dead letters it must cause. */
export interface PageCase {
  readonly family: string;
  readonly body: string;
  /** The dead letters: the whole body, or each item of a well-formed page of garbage items. */
  readonly deadLetters: readonly string[];
}

/** A malformed page (`n` makes each body distinct). */
export function tbPage(random: Random, n: number): PageCase {
  const pagination = `{"total":4,"offset":0,"limit":100,"has_more":false}`;
  const roll = random.int(0, 9);
  if (roll < 4) {
    const body = random.pick([
      `<html><head><title>503 Service Temporarily Unavailable</title></head><body>${n}</body></html>`,
      `{"messages":[{"id":"p-${n}","content":"cut`,
      `Internal Server Error ${n}`,
      `{"messages":[],"pagination":${pagination},"n":${n}`,
      `{"messages":[],"n":${n},}`,
    ]);
    return { family: "page:invalidJson", body, deadLetters: [body] };
  }
  if (roll < 8) {
    const body = random.pick([
      `[${n}]`,
      `"page ${n}"`,
      `{"messages":{"n":${n}}}`,
      `{"messages":null,"n":${n}}`,
      `{"pagination":${pagination},"n":${n}}`,
      `{"messages":[],"pagination":{"total":-${n + 1},"offset":0,"limit":100,"has_more":false}}`,
      `{"messages":[],"pagination":{"total":1,"offset":0,"limit":100,"has_more":"no"},"n":${n}}`,
    ]);
    return { family: "page:notAPage", body, deadLetters: [body] };
  }
  // A well-formed page of items that are not messages: each is dead-lettered on its own.
  const items = [n + 0.25, `item-${n}`, [n, "x"], { id: n }, { id: `nt-${n}` }];
  return {
    family: "page:garbageItems",
    body: `{"messages":${JSON.stringify(items)},"pagination":${pagination}}`,
    deadLetters: items.map((i) => JSON.stringify(i)),
  };
}
