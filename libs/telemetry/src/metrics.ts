import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

export { Registry } from "prom-client";

/** Latency buckets (seconds) fine enough for sub-millisecond paths and wide enough for outages. */
const LATENCY_BUCKETS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
];

/**
 * Every castbus metric (the names are a contract: DESIGN.md, dashboards and alerts rely on
 * them). Created once per process on one registry; a component uses the ones it needs.
 */
export function createMetrics(registry: Registry = new Registry()) {
  collectDefaultMetrics({ register: registry, prefix: "castbus_" });
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new Counter<L>({ name, help, labelNames, registers: [registry] });
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new Gauge<L>({ name, help, labelNames, registers: [registry] });
  const histogram = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new Histogram<L>({ name, help, labelNames, buckets: LATENCY_BUCKETS, registers: [registry] });

  return {
    registry,
    // Ingest side.
    eventsPublished: counter(
      "castbus_events_published_total",
      "Events acknowledged by JetStream after ingest (duplicates included, see castbus_events_duplicates_total).",
      ["source", "type"],
    ),
    eventsDuplicates: counter(
      "castbus_events_duplicates_total",
      "Publishes JetStream acknowledged as duplicates of an already stored event id.",
      ["source"],
    ),
    eventsRejected: counter(
      "castbus_events_rejected_total",
      "Upstream records that failed validation and were dead-lettered.",
      ["source", "reason"],
    ),
    upstreamRequests: counter(
      "castbus_upstream_requests_total",
      "Requests to (or sessions with) the upstream by outcome: ok, retryable, auth, error.",
      ["source", "outcome"],
    ),
    upstreamReady: gauge(
      "castbus_upstream_ready",
      "1 when the upstream is reachable and authorized, else 0.",
      ["source", "account"],
    ),
    upstreamGaps: counter(
      "castbus_upstream_gaps_total",
      "Times an ingester found that the upstream deleted events before they were read (it fell behind).",
      ["source"],
    ),
    ingestLatency: histogram(
      "castbus_ingest_latency_seconds",
      "Time from receiving an upstream record to its JetStream publish ack.",
      ["source"],
    ),
    publishErrors: counter(
      "castbus_publish_errors_total",
      "JetStream publish attempts that failed (each is retried with the same Nats-Msg-Id).",
      ["reason"],
    ),
    publishInFlight: gauge(
      "castbus_publish_in_flight",
      "Publishes sent and not yet acknowledged.",
      [],
    ),
    checkpointCommits: counter(
      "castbus_checkpoint_commits_total",
      "Checkpoint writes to the CHECKPOINTS bucket by outcome: ok, conflict, error.",
      ["source", "outcome"],
    ),
    // Worker side.
    eventsProcessed: counter(
      "castbus_events_processed_total",
      "Events a worker finished, by outcome: ok, retry, dead_letter.",
      ["consumer", "type", "outcome"],
    ),
    deliveryLatency: histogram(
      "castbus_delivery_latency_seconds",
      "Time from the event's ingesttime to its handlers finishing.",
      ["consumer"],
    ),
    handlerDuration: histogram(
      "castbus_handler_duration_seconds",
      "Time one handler took for one event.",
      ["consumer", "handler"],
    ),
    handlerCalls: counter(
      "castbus_handler_calls_total",
      "Handler invocations by outcome: ok, error.",
      ["consumer", "handler", "outcome"],
    ),
    consumerPending: gauge(
      "castbus_consumer_pending_messages",
      "Messages in the stream not yet delivered to the consumer group (the autoscaling signal).",
      ["consumer"],
    ),
    consumerAckPending: gauge(
      "castbus_consumer_ack_pending_messages",
      "Messages delivered to the consumer group and not yet acknowledged.",
      ["consumer"],
    ),
    deadLetters: counter(
      "castbus_dead_letters_total",
      "Events a worker moved to dlq.worker.<consumer>, by reason.",
      ["consumer", "reason"],
    ),
    // Gateway.
    gatewayRequests: counter(
      "castbus_gateway_requests_total",
      "Gateway API requests by HTTP status.",
      ["status"],
    ),
    // Shared.
    natsConnected: gauge("castbus_nats_connected", "1 while connected to NATS, else 0.", []),
    natsReconnects: counter("castbus_nats_reconnects_total", "Reconnections to NATS.", []),
    natsStoreResets: counter(
      "castbus_nats_store_resets_total",
      "Reconnects after which the castbus streams were gone (the server lost its JetStream store).",
      [],
    ),
  };
}

/** The metric set of one process. */
export type Metrics = ReturnType<typeof createMetrics>;
