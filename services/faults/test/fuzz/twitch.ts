import type { FuzzCase } from "./corpus.js";
import { isRealTime, mutate, type Verdict } from "./fields.js";
import type { Random } from "./random.js";
import { twitchShape } from "./twitch-shape.js";
import {
  DEEP_HOSTILE,
  HOSTILE_STRINGS,
  PROTO_KEYS,
  clone,
  deepText,
  protoObject,
  replacementValues,
  setOwn,
} from "./values.js";

/**
 * Malformed Twitch EventSub frames, from its wire format (`services/ingester-twitch/src/
 * upstream.ts`, reference `twitch-eventsub.md`): WebSocket text frames `{metadata, payload}`
 * whose `payload.event` has each subscription type's fields. Templates are real notifications
 * the simulator generated; a case mutates one and gives it a fresh `message_id`.
 */

/** A notification as sent (the parts the generators touch). */
export interface TwitchMessage {
  metadata: Record<string, unknown>;
  payload: { subscription: Record<string, unknown>; event: Record<string, unknown> } & Record<
    string,
    unknown
  >;
}

/** Types whose envelope `time` is the event's own timestamp rather than `message_timestamp`. */
const OWN_TIME = new Set([
  "channel.follow",
  "channel.channel_points_custom_reward_redemption.add",
  "stream.online",
]);

/** A template with a fresh message id. */
export function withMessageId(template: TwitchMessage, id: string): TwitchMessage {
  const message = clone(template);
  message.metadata["message_id"] = id;
  return message;
}

/** What one drawn case works on: a fresh copy of a template, with message id `fz-<index>`. */
interface Draw {
  readonly random: Random;
  readonly index: number;
  readonly type: string;
  readonly message: TwitchMessage;
}

/** The frame text of `payload` and the case it makes. */
function frame(
  d: Draw,
  family: string,
  verdict: Verdict,
  payload: unknown,
  extra: Partial<FuzzCase> = {},
): FuzzCase {
  return {
    family,
    verdict,
    payload: typeof payload === "string" ? payload : JSON.stringify(payload),
    ...(verdict === "event" ? { id: `twitch:fz-${d.index}` } : {}),
    ...extra,
  };
}

/** One malformed (or odd but valid) frame; message ids are `fz-<index>`. */
export function twitchCase(
  random: Random,
  index: number,
  templates: ReadonlyMap<string, TwitchMessage>,
): FuzzCase | undefined {
  const type = random.pick([...templates.keys()]);
  const d: Draw = {
    random,
    index,
    type,
    message: withMessageId(templates.get(type)!, `fz-${index}`),
  };
  const roll = random.int(0, 19);
  if (roll < 6) return random.pick(ENVELOPE_FAULTS)(d);
  if (roll === 6) {
    // Deep nesting in an unknown member: the raw frame is kept as text, nothing re-serializes it.
    const nested = `"payload":{"nested":${deepText(random.pick(DEEP_HOSTILE), "mixed")},`;
    return frame(
      d,
      "deepHostile:payload",
      "event",
      JSON.stringify(d.message).replace('"payload":{', nested),
    );
  }
  const m = mutate(d.message, twitchShape(type, d.message.payload.event), random, { giant: true });
  return m === undefined ? undefined : frame(d, m.family, m.verdict, m.payload);
}

const BAD_MESSAGE_TYPES = [
  undefined,
  "",
  5,
  null,
  "Notification",
  "notification ",
  "session_ended",
];

/** Faults of the frame and its envelope: not JSON, no metadata, odd message types and timestamps. */
const ENVELOPE_FAULTS: readonly ((d: Draw) => FuzzCase)[] = [
  (d) =>
    frame(
      d,
      "frame:notJson",
      "dlq",
      d.random.pick([
        `{"metadata":{"message_id":"fz-${d.index}"`,
        `<html>${d.index}</html>`,
        `not json ${d.index}`,
        `{"metadata":{},}${d.index}`,
      ]),
    ),
  (d) =>
    frame(
      d,
      "frame:notAnObject",
      "dlq",
      d.random.pick([
        `[${d.index}]`,
        `${d.index}`,
        `"fz-${d.index}"`,
        "null",
        "true",
        `[${JSON.stringify(d.message)}]`,
      ]),
    ),
  (d) => {
    d.message.metadata["message_id"] = d.random.pick([undefined, "", d.index, null, [d.index]]);
    return frame(d, "metadata:message_id", "dlq", d.message);
  },
  (d) => {
    const value = d.random.pick([
      ...BAD_MESSAGE_TYPES,
      d.random.pick(PROTO_KEYS),
      d.random.pick(HOSTILE_STRINGS),
    ]);
    d.message.metadata["message_type"] = value;
    return frame(d, "metadata:message_type", "dlq", d.message);
  },
  timestampCase,
  (d) => {
    const mismatched = d.type === "channel.raid" ? "channel.follow" : "channel.raid";
    const value = d.random.pick([
      undefined,
      "channel.chat.messages",
      "channel.ban",
      "",
      42,
      d.random.pick(PROTO_KEYS),
      mismatched,
    ]);
    d.message.metadata["subscription_type"] = value;
    return frame(d, "metadata:subscription_type", "dlq", d.message);
  },
  (d) => {
    const key = d.random.pick(["payload", "subscription", "event"] as const);
    const value = d.random.pick(replacementValues(d.random));
    if (key === "payload") (d.message as unknown as Record<string, unknown>)["payload"] = value;
    else d.message.payload[key] = value as never;
    return frame(d, `envelope:${key}`, "dlq", d.message);
  },
  (d) => {
    const holder = d.random.pick([
      d.message.metadata,
      d.message.payload,
      d.message as unknown as Record<string, unknown>,
    ]);
    setOwn(holder, d.random.pick([...PROTO_KEYS, `x_${d.index}`]), protoObject(d.random));
    return frame(d, "extraKey:envelope", "event", d.message);
  },
  (d) => {
    // A subscription id nobody created, but a condition naming the configured channel: routed by it.
    d.message.payload.subscription["id"] = `unknown-${d.index}`;
    return frame(d, "envelope:unknownSubscriptionId", "event", d.message);
  },
  (d) => {
    // Housekeeping the connection consumes itself (a repeated welcome changes nothing).
    d.message.metadata["message_type"] = d.random.pick(["session_keepalive", "session_welcome"]);
    return frame(d, "metadata:housekeeping", "ignored", d.message);
  },
];

const TIMESTAMPS: unknown[] = [
  "2025-11-05T18:22:41Z ",
  "2025-11-05",
  "",
  1_762_366_961,
  null,
  "2025-11-05T18:22:41.123456789+05:30",
  "2025-11-05T18:22:41Z",
  "2025-13-45T25:61:61Z",
  "2025-02-30T00:00:00Z",
];
const WIRE_RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?(Z|[+-]\d\d:\d\d)$/;

/** `message_timestamp`: malformed, unusual but valid, or well-formed text naming no real instant. */
function timestampCase(d: Draw): FuzzCase {
  const value = d.random.pick(TIMESTAMPS);
  d.message.metadata["message_timestamp"] = value;
  if (typeof value !== "string" || !WIRE_RFC3339.test(value))
    return frame(d, "metadata:message_timestamp", "dlq", d.message);
  if (isRealTime(value) || OWN_TIME.has(d.type))
    return frame(d, "metadata:message_timestamp", "event", d.message);
  return frame(d, "metadata:message_timestamp", "dlq", d.message);
}
