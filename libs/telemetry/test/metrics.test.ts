import { describe, expect, it } from "vitest";
import { Registry, createMetrics } from "../src/index.js";

/** Metric name → type, from the `# TYPE` lines of a Prometheus text exposition. */
function declaredTypes(text: string): Map<string, string> {
  const types = new Map<string, string>();
  for (const match of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    types.set(match[1] ?? "", match[2] ?? "");
  }
  return types;
}

describe("createMetrics", () => {
  it("exposes the contract metrics with their labels once used", async () => {
    const metrics = createMetrics();
    metrics.eventsPublished.inc({ source: "chaturbate", type: "chaturbate.tip" });
    metrics.eventsRejected.inc({ source: "chaturbate", reason: "schema" });
    metrics.upstreamRequests.inc({ source: "chaturbate", outcome: "ok" });
    metrics.ingestLatency.observe({ source: "chaturbate" }, 0.0002);
    metrics.eventsProcessed.inc({ consumer: "workers", type: "chaturbate.tip", outcome: "ok" });
    metrics.deliveryLatency.observe({ consumer: "workers" }, 0.02);
    metrics.handlerDuration.observe({ consumer: "workers", handler: "log" }, 0.001);
    metrics.consumerPending.set({ consumer: "workers" }, 42);

    const text = await metrics.registry.metrics();
    for (const line of [
      'castbus_events_published_total{source="chaturbate",type="chaturbate.tip"} 1',
      'castbus_events_rejected_total{source="chaturbate",reason="schema"} 1',
      'castbus_upstream_requests_total{source="chaturbate",outcome="ok"} 1',
      'castbus_ingest_latency_seconds_count{source="chaturbate"} 1',
      'castbus_events_processed_total{consumer="workers",type="chaturbate.tip",outcome="ok"} 1',
      'castbus_delivery_latency_seconds_count{consumer="workers"} 1',
      'castbus_handler_duration_seconds_count{consumer="workers",handler="log"} 1',
      'castbus_consumer_pending_messages{consumer="workers"} 42',
    ]) {
      expect(text.split("\n")).toContain(line);
    }
  });

  it("declares every contract metric with its type, even before first use", async () => {
    const text = await createMetrics().registry.metrics();
    for (const [name, type] of [
      ["castbus_events_published_total", "counter"],
      ["castbus_events_duplicates_total", "counter"],
      ["castbus_events_rejected_total", "counter"],
      ["castbus_upstream_requests_total", "counter"],
      ["castbus_upstream_ready", "gauge"],
      ["castbus_ingest_latency_seconds", "histogram"],
      ["castbus_publish_errors_total", "counter"],
      ["castbus_publish_in_flight", "gauge"],
      ["castbus_checkpoint_commits_total", "counter"],
      ["castbus_events_processed_total", "counter"],
      ["castbus_delivery_latency_seconds", "histogram"],
      ["castbus_handler_duration_seconds", "histogram"],
      ["castbus_handler_calls_total", "counter"],
      ["castbus_consumer_pending_messages", "gauge"],
      ["castbus_consumer_ack_pending_messages", "gauge"],
      ["castbus_dead_letters_total", "counter"],
      ["castbus_nats_connected", "gauge"],
      ["castbus_nats_reconnects_total", "counter"],
    ]) {
      expect(text).toContain(`# TYPE ${name} ${type}\n`);
    }
  });

  it("has a sub-millisecond latency bucket, so fast paths are not all in one bucket", async () => {
    const metrics = createMetrics();
    metrics.ingestLatency.observe({ source: "chaturbate" }, 0.0002);
    metrics.ingestLatency.observe({ source: "chaturbate" }, 0.003);
    const lines = (await metrics.registry.metrics()).split("\n");
    expect(lines).toContain(
      'castbus_ingest_latency_seconds_bucket{le="0.0005",source="chaturbate"} 1',
    );
    expect(lines).toContain(
      'castbus_ingest_latency_seconds_bucket{le="0.005",source="chaturbate"} 2',
    );
    expect(lines).toContain('castbus_ingest_latency_seconds_bucket{le="60",source="chaturbate"} 2');
  });

  it("names every counter with a _total suffix", async () => {
    const types = declaredTypes(await createMetrics().registry.metrics());
    const counters = [...types].filter(([, type]) => type === "counter").map(([name]) => name);
    expect(counters.length).toBeGreaterThan(5);
    expect(counters.filter((name) => !name.endsWith("_total"))).toEqual([]);
  });

  it("prefixes every metric with castbus_, process metrics included", async () => {
    const names = [...declaredTypes(await createMetrics().registry.metrics()).keys()];
    expect(names.filter((name) => !name.startsWith("castbus_"))).toEqual([]);
    expect(names.some((name) => name.startsWith("castbus_process_"))).toBe(true);
  });

  it("registers on the registry it is given, and each process set is independent", async () => {
    const registry = new Registry();
    const metrics = createMetrics(registry);
    expect(metrics.registry).toBe(registry);
    metrics.natsReconnects.inc();
    const other = createMetrics();
    expect(await registry.metrics()).toContain("castbus_nats_reconnects_total 1");
    expect(await other.registry.metrics()).toContain("castbus_nats_reconnects_total 0");
  });
});
