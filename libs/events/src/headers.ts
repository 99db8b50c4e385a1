/**
 * NATS header names castbus sets on dead letters. They are part of the contract: operators'
 * tooling (and `castbus dlq`) reads them.
 */
export const DeadLetterHeaders = {
  /** Machine-readable reason, e.g. `invalid_json`, `schema`, `handler_failed`. */
  reason: "Castbus-Reason",
  /** Human-readable detail of what was wrong (never holds a secret). */
  error: "Castbus-Error",
  /** Source name (`chaturbate`) for ingest dead letters. */
  source: "Castbus-Source",
  /** Account (`alice`) for ingest dead letters. */
  account: "Castbus-Account",
  /** The subject the event was on (worker dead letters). */
  originalSubject: "Castbus-Original-Subject",
  /** The envelope id (worker dead letters), or the upstream id when known (ingest). */
  eventId: "Castbus-Event-Id",
  /** Stream sequence of the original message (worker dead letters). */
  streamSequence: "Castbus-Stream-Sequence",
  /** How many deliveries were attempted (worker dead letters). */
  deliveries: "Castbus-Deliveries",
  /** The handler that failed last (worker dead letters). */
  handler: "Castbus-Handler",
  /** The consumer group (worker dead letters). */
  consumer: "Castbus-Consumer",
  /** When the dead letter was written (RFC 3339). */
  time: "Castbus-Dead-Lettered-At",
} as const;
