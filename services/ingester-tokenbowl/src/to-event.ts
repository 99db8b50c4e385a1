import { describeIssues } from "@castbus/events";
import type { MapResult, UpstreamRecord } from "@castbus/ingest";
import { pythonIsoUtc, timestampMicros } from "./timestamps.js";
import { wireMessage } from "@castbus/tokenbowl";

/** Options of {@link toEvent}. */
export interface MapOptions {
  /** The configured name (`TOKENBOWL_NAME`); part of every envelope id. */
  readonly account: string;
  /** Username the API key belongs to: decides `fromSelf` and a DM's `direction`. */
  readonly self: string | undefined;
  /** Keep the wire message under `data.raw` (off by default). */
  readonly keepRaw: boolean;
}

/**
 * Maps one wire message to `tokenbowl.chat.message` or `tokenbowl.private_message` (a message
 * with a recipient), or says why it cannot. The id `tokenbowl:<account>:<message id>` is stable
 * across re-reads, so JetStream drops repeats; `time` is the message timestamp in UTC with its
 * microseconds.
 */
export function toEvent(record: UpstreamRecord, options: MapOptions): MapResult {
  const value = record.value;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { ok: false, reason: "not_an_object", message: "message is not a JSON object" };
  }
  const id = (value as Record<string, unknown>)["id"];
  if (typeof id !== "string" || id === "") {
    return { ok: false, reason: "missing_id", message: "message has no string id" };
  }
  const parsed = wireMessage.safeParse(value);
  if (!parsed.success) {
    const message = describeIssues(parsed.error);
    return { ok: false, reason: "invalid_payload", message, upstreamId: id };
  }
  const m = parsed.data;
  const micros = timestampMicros(m.timestamp);
  if (micros === undefined) {
    const message = `timestamp: ${JSON.stringify(m.timestamp.slice(0, 40))} is not an ISO 8601 time`;
    return { ok: false, reason: "invalid_payload", message, upstreamId: id };
  }
  const direct = m.to_username !== undefined;
  if (!direct && m.message_type === "direct") {
    const message = "to_username: a direct message without a recipient";
    return { ok: false, reason: "invalid_payload", message, upstreamId: id };
  }
  const user = {
    username: m.from_username,
    ...(m.from_user_id === undefined ? {} : { id: m.from_user_id }),
    ...(m.from_user_logo === undefined ? {} : { logo: m.from_user_logo }),
    ...(m.from_user_emoji === undefined ? {} : { emoji: m.from_user_emoji }),
    ...(m.from_user_bot === undefined ? {} : { isBot: m.from_user_bot }),
    ...(m.from_user_bot === true ? { roles: ["bot"] } : {}),
  };
  const common = {
    user,
    text: m.content,
    messageType: m.message_type ?? (direct ? "direct" : "room"),
    ...(options.keepRaw ? { raw: value } : {}),
  };
  const data = direct
    ? {
        ...common,
        toUser: m.to_username!,
        ...(m.to_user_id === undefined ? {} : { toUserId: m.to_user_id }),
        direction: direction(m.from_username, m.to_username!, options.self),
      }
    : { ...common, fromSelf: m.from_username === options.self };
  return {
    ok: true,
    event: {
      id: `tokenbowl:${options.account}:${id}`,
      type: direct ? "tokenbowl.private_message" : "tokenbowl.chat.message",
      time: pythonIsoUtc(micros),
      data,
    },
  };
}

function direction(from: string, to: string, self: string | undefined): string {
  if (from === self) return "sent";
  if (to === self) return "received";
  return "observed";
}
