import { appendFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** One row of the fault table. */
export interface FaultRow {
  readonly fault: string;
  /** Events the upstream produced (the simulator's ground truth). */
  readonly sent: number;
  /** Distinct events stored in the EVENTS stream. */
  readonly published: number;
  /** Distinct events a worker finished handling (or stored, where no worker runs). */
  readonly delivered: number;
  readonly lost: number;
  /** Extra copies on the subject (ingest) — must be 0. */
  readonly duplicated: number;
  readonly note?: string;
}

const REPORT = join(dirname(fileURLToPath(import.meta.url)), "../../.reports/faults.jsonl");

/** Records a row (for docs/reliability.md) and prints it. */
export function recordFault(row: FaultRow): void {
  mkdirSync(dirname(REPORT), { recursive: true });
  appendFileSync(REPORT, `${JSON.stringify(row)}\n`);
  process.stdout.write(
    `FAULT ${row.fault}: sent ${row.sent} / published ${row.published} / delivered ${row.delivered} / lost ${row.lost} / duplicated ${row.duplicated}${row.note === undefined ? "" : ` (${row.note})`}\n`,
  );
}

/** Counts what an expected id list became on the subject. */
export function tally(expected: readonly string[], stored: readonly string[]) {
  const counts = new Map<string, number>();
  for (const id of stored) counts.set(id, (counts.get(id) ?? 0) + 1);
  const lost = expected.filter((id) => !counts.has(id)).length;
  const duplicated = [...counts.values()].reduce((sum, n) => sum + (n - 1), 0);
  return { published: counts.size, lost, duplicated };
}
