import { DeadLetterHeaders, ingestDeadLetterSubject } from "@castbus/events";
import type { PublishMessage } from "@castbus/nats";
import { createHash } from "node:crypto";
import type { Rejection } from "./source.js";

/** Room left for headers when a raw payload is cut to fit the server's max payload. */
const HEADER_ROOM = 8 * 1024;
const MAX_ERROR_TEXT = 1000;

/**
 * The dead letter for an upstream payload that failed validation: the raw bytes as the body,
 * the reason in headers. Its msg id hashes the payload, so re-reading the same bad payload after
 * a restart (or a retry of the same request) stores it once. A payload larger than the server
 * accepts is cut, and says so in `Castbus-Truncated`.
 */
export function ingestDeadLetter(
  source: { name: string; account: string },
  raw: string | Uint8Array,
  rejection: Rejection,
  maxPayload: number,
): PublishMessage {
  const bytes = typeof raw === "string" ? Buffer.from(raw, "utf8") : raw;
  const limit = Math.max(1024, maxPayload - HEADER_ROOM);
  const body = bytes.length > limit ? bytes.subarray(0, limit) : bytes;
  const digest = createHash("sha256").update(bytes).digest("hex").slice(0, 32);
  const headers: Record<string, string> = {
    [DeadLetterHeaders.reason]: rejection.reason,
    [DeadLetterHeaders.error]: oneLine(rejection.message).slice(0, MAX_ERROR_TEXT),
    [DeadLetterHeaders.source]: source.name,
    [DeadLetterHeaders.account]: source.account,
    [DeadLetterHeaders.time]: new Date().toISOString(),
  };
  if (rejection.upstreamId !== undefined)
    headers[DeadLetterHeaders.eventId] = oneLine(rejection.upstreamId).slice(0, 200);
  if (body.length < bytes.length) headers["Castbus-Truncated"] = String(bytes.length);
  return {
    subject: ingestDeadLetterSubject(source.name),
    data: body,
    msgId: `dlq:${source.name}:${source.account}:${digest}`,
    headers,
  };
}

/** Header values cannot hold CR/LF. */
function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, " ");
}
