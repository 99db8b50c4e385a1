// The dashboard and the alert rules ask only for metrics the code exposes (a drift test), the two
// copies of the rules agree, every alert has a runbook entry, and the docs describe every panel.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { DEPLOY, ROOT, arr, obj, readYaml, str, type Doc } from "./files.js";
import { metricNames, seriesInCode } from "./promql.js";

const docs = readFileSync(join(ROOT, "docs", "deploy.md"), "utf8");
const alertsFile = readYaml(join(DEPLOY, "monitoring", "alerts.yaml"));
const ruleObject = readYaml(join(DEPLOY, "monitoring", "prometheus-rule.yaml"));
const dashboard = JSON.parse(
  readFileSync(join(DEPLOY, "monitoring", "dashboard.json"), "utf8"),
) as Doc;
const rules = arr(alertsFile, "groups").flatMap((group) => arr(group, "rules")) as Doc[];
const panels = arr(dashboard, "panels") as Doc[];
const queries = [
  ...panels.flatMap((p) =>
    arr(p, "targets").map((t) => ({
      where: `panel "${str(p, "title")}"`,
      expr: str(t, "expr") ?? "",
    })),
  ),
  ...arr(obj(dashboard, "templating"), "list").map((v) => ({
    where: `variable ${str(v, "name")}`,
    expr: str(obj(v, "query"), "query") ?? "",
  })),
  ...rules.map((r) => ({ where: `alert ${str(r, "alert")}`, expr: str(r, "expr") ?? "" })),
];
/** Series Prometheus makes itself, allowed beside castbus's own. */
const PROMETHEUS_SERIES = new Set(["up"]);

/** GitHub's anchor for a Markdown heading. */
function anchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\w\- ]/g, "")
    .replaceAll(" ", "-");
}
const anchors = new Set([...docs.matchAll(/^#+ (.+)$/gm)].map((m) => anchor(m[1]!)));

describe("metrics in the dashboard and the alert rules", () => {
  let known: Set<string>;
  beforeAll(async () => {
    known = await seriesInCode();
  });

  it("reads the code's metric names (createMetrics)", () => {
    expect(known).toContain("castbus_events_published_total");
    expect(known).toContain("castbus_delivery_latency_seconds_bucket");
  });

  it("names only metrics the code exposes", () => {
    const unknown = queries.flatMap(({ where, expr }) =>
      metricNames(expr)
        .filter((m) => !known.has(m) && !PROMETHEUS_SERIES.has(m))
        .map((m) => `${where}: ${m}`),
    );
    expect(queries.length).toBeGreaterThan(20);
    expect(unknown).toEqual([]);
  });

  it("catches a renamed metric", () => {
    expect(
      metricNames('sum by (source) (rate(castbus_events_publish_total{source=~"$source"}[5m]))'),
    ).toEqual(["castbus_events_publish_total"]);
    expect(known.has("castbus_events_publish_total")).toBe(false);
  });

  it("shows throughput per source and type, latency, lag, dead letters and upstream errors", () => {
    const used = new Set(queries.flatMap(({ expr }) => metricNames(expr)));
    for (const metric of [
      "castbus_events_published_total",
      "castbus_ingest_latency_seconds_bucket",
      "castbus_delivery_latency_seconds_bucket",
      "castbus_consumer_pending_messages",
      "castbus_dead_letters_total",
      "castbus_events_rejected_total",
      "castbus_upstream_requests_total",
      "castbus_upstream_ready",
      "castbus_publish_errors_total",
    ]) {
      expect(used, metric).toContain(metric);
    }
  });
});

describe("alert rules", () => {
  it("are the same in alerts.yaml (docker-compose) and the PrometheusRule", () => {
    expect(obj(ruleObject, "spec")["groups"]).toEqual(alertsFile["groups"]);
  });

  it("cover the failures the issue names", () => {
    expect(rules.map((r) => str(r, "alert"))).toEqual(
      expect.arrayContaining([
        "CastbusIngesterNotReady",
        "CastbusUpstreamAuthFailures",
        "CastbusDeadLettersRising",
        "CastbusConsumerLagHigh",
        "CastbusPublishErrors",
        "CastbusEndToEndLatencyHigh",
      ]),
    );
  });

  it.each(rules.map((r) => ({ alert: str(r, "alert") ?? "", rule: r })))(
    "$alert has a severity, a summary, a description and a runbook entry in docs/deploy.md",
    ({ alert, rule }) => {
      expect(["critical", "warning"]).toContain(str(obj(rule, "labels"), "severity"));
      const annotations = obj(rule, "annotations");
      expect(str(annotations, "summary")).toBeTruthy();
      expect(str(annotations, "description")).toBeTruthy();
      expect(str(annotations, "runbook_url")).toBe(
        `https://castbus.dev/docs/deploy#${alert.toLowerCase()}`,
      );
      expect(anchors, `docs/deploy.md needs a "### ${alert}" heading`).toContain(
        alert.toLowerCase(),
      );
    },
  );
});

describe("the dashboard", () => {
  it("is well formed: unique ids, a 24-column grid, every query on the chosen data source", () => {
    const ids = panels.map((p) => p["id"]);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of panels) {
      const grid = obj(panel, "gridPos");
      expect(Number(grid["x"]) + Number(grid["w"]), str(panel, "title")).toBeLessThanOrEqual(24);
      if (panel["type"] === "row") continue;
      expect(str(panel, "description"), str(panel, "title")).toBeTruthy();
      expect(obj(panel, "datasource")).toEqual({ type: "prometheus", uid: "${datasource}" });
      for (const target of arr(panel, "targets"))
        expect(target).toMatchObject({ refId: expect.any(String), expr: expect.any(String) });
    }
    expect(dashboard).toMatchObject({ uid: "castbus", schemaVersion: expect.any(Number) });
  });

  it("has every panel described in docs/deploy.md", () => {
    const missing = panels
      .map((p) => str(p, "title") ?? "")
      .filter((title) => !docs.includes(title));
    expect(missing).toEqual([]);
  });
});
