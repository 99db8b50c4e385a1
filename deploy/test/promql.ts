// Metric names in PromQL, without a full parser: enough to check that the dashboard and the
// alert rules only ask for series castbus (or Prometheus itself) produces.
import { createMetrics } from "@castbus/telemetry";

const KEYWORDS = new Set([
  "by",
  "without",
  "on",
  "ignoring",
  "group_left",
  "group_right",
  "bool",
  "and",
  "or",
  "unless",
  "offset",
  "inf",
  "nan",
]);

/** The series names an expression selects. `label_values(m, label)` counts as `m`. */
export function metricNames(expr: string): string[] {
  const text = expr
    .replace(/label_values\(\s*([a-zA-Z_:][\w:]*)\s*,[^)]*\)/g, "$1")
    .replace(/"(?:[^"\\]|\\.)*"/g, "")
    .replace(/\{[^}]*\}/g, "")
    .replace(/\[[^\]]*\]/g, "")
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, "");
  const names = new Set<string>();
  for (const match of text.matchAll(/[a-zA-Z_:][\w:]*/g)) {
    const word = match[0];
    const next = text.slice((match.index ?? 0) + word.length).trimStart();
    if (next.startsWith("(") || KEYWORDS.has(word.toLowerCase())) continue;
    names.add(word);
  }
  return [...names];
}

/**
 * Every series name the code can expose: the metrics of `createMetrics()` (the one registry all
 * services use), with the `_bucket`, `_sum` and `_count` series of histograms and summaries.
 */
export async function seriesInCode(): Promise<Set<string>> {
  const metrics = await createMetrics().registry.getMetricsAsJSON();
  const names = new Set<string>();
  for (const metric of metrics) {
    const [name, type] = [metric.name, String(metric.type)];
    if (type === "histogram")
      for (const suffix of ["_bucket", "_sum", "_count"]) names.add(name + suffix);
    else if (type === "summary")
      for (const suffix of ["", "_sum", "_count"]) names.add(name + suffix);
    else names.add(name);
  }
  return names;
}
