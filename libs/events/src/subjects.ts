/** A NATS-safe dotted event type: lowercase tokens of `[a-z0-9_-]`, e.g. `twitch.chat.message`. */
export const EVENT_TYPE_PATTERN = /^[a-z0-9_-]+(\.[a-z0-9_-]+)+$/;

/** Stream that holds every event (`events.>`). */
export const EVENTS_STREAM = "EVENTS";
/** Stream that holds every dead letter (`dlq.>`). */
export const DEAD_LETTERS_STREAM = "DEAD_LETTERS";
/** KV bucket holding ingester resume cursors. */
export const CHECKPOINTS_BUCKET = "CHECKPOINTS";

/** Subject prefix of every event. */
export const EVENTS_SUBJECT_PREFIX = "events.";

/** The NATS subject an event type is published on: `events.<type>`. */
export function subjectForType(type: string): string {
  return EVENTS_SUBJECT_PREFIX + type;
}

/** The event type carried on an `events.<type>` subject, or `undefined` for other subjects. */
export function typeFromSubject(subject: string): string | undefined {
  return subject.startsWith(EVENTS_SUBJECT_PREFIX)
    ? subject.slice(EVENTS_SUBJECT_PREFIX.length)
    : undefined;
}

/** Where an ingester dead-letters upstream payloads that failed validation. */
export function ingestDeadLetterSubject(source: string): string {
  return `dlq.ingest.${assertToken(source)}`;
}

/** Where a worker group dead-letters events whose deliveries ran out. */
export function workerDeadLetterSubject(consumer: string): string {
  return `dlq.worker.${assertToken(consumer)}`;
}

/** Longest event type: it becomes part of a NATS subject, whose control line is limited. */
export const MAX_EVENT_TYPE_LENGTH = 255;

/** Whether `type` is a syntactically valid event type (dotted, lowercase, NATS-safe, not too long). */
export function isValidEventType(type: string): boolean {
  return type.length <= MAX_EVENT_TYPE_LENGTH && EVENT_TYPE_PATTERN.test(type);
}

/** Longest envelope id. */
export const MAX_EVENT_ID_LENGTH = 1024;

/**
 * Whether `id` can be an envelope id: 1–1024 characters of well-formed Unicode, no control
 * characters and no surrounding whitespace. It travels as the `Nats-Msg-Id` header, which cannot
 * hold CR/LF and whose value NATS clients trim — two ids differing only there would collide.
 */
export function isValidEventId(id: string): boolean {
  return (
    id.length > 0 &&
    id.length <= MAX_EVENT_ID_LENGTH &&
    id.isWellFormed() &&
    id.trim() === id &&
    !/\p{Cc}/u.test(id)
  );
}

const TOKEN = /^[A-Za-z0-9_-]+$/;

/** Whether `token` can stand as one NATS subject token (and as a consumer or stream name). */
export function isSubjectToken(token: string): boolean {
  return TOKEN.test(token);
}

function assertToken(token: string): string {
  if (!TOKEN.test(token))
    throw new TypeError(`not a valid subject token: ${JSON.stringify(token)}`);
  return token;
}
