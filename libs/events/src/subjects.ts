import { EVENT_TYPE_PATTERN } from "./envelope.js";

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

/** Whether `type` is a syntactically valid event type (dotted, lowercase, NATS-safe). */
export function isValidEventType(type: string): boolean {
  return EVENT_TYPE_PATTERN.test(type);
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
