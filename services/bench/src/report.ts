import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { cpus, totalmem, release } from "node:os";
import type { Figure } from "./measure.js";

/** Formats the figures as one table (and the ratio to each figure's baseline). */
export function table(figures: readonly Figure[]): string {
  const rows = figures.map((f) => [
    f.name,
    `${format(f.value)} ${f.unit}`,
    f.baseline === undefined
      ? ""
      : `${(f.value / f.baseline.value).toFixed(2)}× ${f.baseline.name}`,
    f.target === undefined ? "" : `${f.target.met ? "✓" : "✗"} ${f.target.text}`,
    f.note ?? "",
  ]);
  const header = ["figure", "value", "ratio", "target", "note"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

function format(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return Math.abs(value) >= 100 ? Math.round(value).toLocaleString("en-US") : value.toFixed(2);
}

/** The machine, Node and nats-server versions the figures were measured on. */
export function machine(natsServer: string): Record<string, unknown> {
  let serverVersion = "unknown";
  try {
    serverVersion = execFileSync(natsServer, ["--version"], { encoding: "utf8" }).trim();
  } catch {
    // reported as unknown
  }
  return {
    cpu: cpus()[0]?.model ?? "unknown",
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 1024 ** 3),
    kernel: release(),
    node: process.version,
    natsServer: serverVersion,
  };
}

/** Writes the run as JSON. */
export function writeResults(path: string, result: Record<string, unknown>): void {
  writeFileSync(path, `${JSON.stringify(result, null, 2)}\n`);
}
