import { describeIssues } from "@castbus/events";
import type { MapResult, UpstreamRecord } from "@castbus/ingest";
import {
  METHOD_TYPES,
  isMethod,
  wireObjects,
  type Method,
  type WireMessage,
  type WireUser,
} from "./upstream.js";

/** Options of {@link toEvent}. */
export interface MapOptions {
  /** The configured broadcaster (the account); part of every envelope id. */
  readonly account: string;
  /** Keep the wire object under `data.raw` (off by default). */
  readonly keepRaw: boolean;
}

const ID_PATTERN = /^(\d{13})-(\d+)$/;

/**
 * Maps one wire event (`{method, object, id}`) to a castbus event, or says why it cannot.
 * The id `chaturbate:<account>:<event id>` is stable across re-reads, so JetStream drops repeats.
 * `time` comes from the event id's epoch-milliseconds part (the ids are Redis-stream style
 * `<ms>-<seq>`); the runner uses the receive time when an id does not have that form.
 */
export function toEvent(record: UpstreamRecord, options: MapOptions): MapResult {
  const item = record.value;
  if (typeof item !== "object" || item === null || Array.isArray(item)) {
    return { ok: false, reason: "not_an_object", message: "event is not a JSON object" };
  }
  const { method, object, id } = item as Record<string, unknown>;
  if (typeof id !== "string" || id.length === 0) {
    return { ok: false, reason: "missing_id", message: "event has no string id" };
  }
  if (!isMethod(method)) {
    return {
      ok: false,
      reason: "unknown_type",
      message: `unknown method ${JSON.stringify(method)}`,
      upstreamId: id,
    };
  }
  const parsed = wireObjects[method].safeParse(object);
  if (!parsed.success) {
    return {
      ok: false,
      reason: "invalid_payload",
      message: `${method}: ${describeIssues(parsed.error)}`,
      upstreamId: id,
    };
  }
  const data = mapObject(method, parsed.data as WireObject);
  if (options.keepRaw) data["raw"] = object;
  const time = timeFromId(id);
  return {
    ok: true,
    event: {
      id: `chaturbate:${options.account}:${id}`,
      type: METHOD_TYPES[method],
      ...(time === undefined ? {} : { time }),
      data,
    },
  };
}

interface WireObject {
  broadcaster: string;
  user?: WireUser;
  message?: WireMessage;
  tip?: {
    tokens: number;
    isAnon?: boolean | null | undefined;
    message?: string | null | undefined;
  };
  media?: { id: number | string; type: string; name: string; tokens: number };
  subject?: string;
}

function mapObject(method: Method, o: WireObject): Record<string, unknown> {
  const data: Record<string, unknown> = { broadcaster: o.broadcaster };
  if (o.user !== undefined) data["user"] = mapUser(o.user);
  switch (method) {
    case "tip":
      return {
        ...data,
        tokens: o.tip!.tokens,
        isAnon: o.tip!.isAnon ?? false,
        text: tipNote(o.tip!.message),
      };
    case "chatMessage":
      return { ...data, ...mapMessage(o.message!) };
    case "privateMessage": {
      const message = o.message!;
      const direction = message.fromUser === o.broadcaster ? "sent" : "received";
      return {
        ...data,
        ...mapMessage(message),
        fromUser: message.fromUser,
        toUser: message.toUser,
        direction,
      };
    }
    case "mediaPurchase":
      return {
        ...data,
        tokens: o.media!.tokens,
        media: { id: String(o.media!.id), type: o.media!.type, name: o.media!.name },
      };
    case "roomSubjectChange":
      return { ...data, subject: o.subject };
    default:
      return data;
  }
}

/** The shared `user` vocabulary plus Chaturbate's room flags; `""` subgender means none. */
function mapUser(u: WireUser): Record<string, unknown> {
  const user: Record<string, unknown> = {
    username: u.username,
    inFanclub: u.inFanclub ?? false,
    hasTokens: u.hasTokens ?? false,
    isMod: u.isMod ?? false,
  };
  if (typeof u.subgender === "string" && u.subgender !== "") user["subgender"] = u.subgender;
  for (const key of OPTIONAL_USER_KEYS) {
    const value = u[key];
    if (value !== undefined && value !== null) user[key] = value;
  }
  return user;
}

const OPTIONAL_USER_KEYS = [
  "recentTips",
  "gender",
  "colorGroup",
  "language",
  "isFollower",
  "isOwner",
  "isSilenced",
  "isSpying",
  "isBroadcasting",
  "inPrivateShow",
  "hasDarkmode",
  "fcAutoRenew",
] as const;

function mapMessage(m: WireMessage): Record<string, unknown> {
  const out: Record<string, unknown> = { text: m.message };
  if (typeof m.color === "string") out["color"] = m.color;
  if (typeof m.bgColor === "string") out["backgroundColor"] = m.bgColor;
  if (typeof m.font === "string") out["font"] = m.font;
  if (typeof m.orig === "string") out["originalText"] = m.orig;
  return out;
}

/** Tip notes arrive prefixed with `"| "`; the note itself is what the tipper typed. */
function tipNote(message: string | null | undefined): string {
  if (typeof message !== "string") return "";
  return message.startsWith("| ") ? message.slice(2) : message;
}

/** The event time encoded in an id like `1755376880012-0`, when plausible. */
export function timeFromId(id: string): Date | undefined {
  const match = ID_PATTERN.exec(id);
  if (match === null) return undefined;
  const ms = Number(match[1]);
  // 2001-09-09 .. 2286: anything outside is not an epoch-ms id.
  return ms >= 1_000_000_000_000 && ms < 10_000_000_000_000 ? new Date(ms) : undefined;
}
