#!/usr/bin/env node
// Prints the fault and fuzz tables of the last run (services/faults/.reports/*.jsonl) as
// Markdown, for docs/reliability.md: `node services/faults/report.mjs`.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

const dir = join(import.meta.dirname, ".reports");
const rows = (name) => {
  const file = join(dir, name);
  if (!existsSync(file)) return [];
  const byKey = new Map();
  for (const line of readFileSync(file, "utf8").split("\n").filter(Boolean)) {
    const row = JSON.parse(line);
    byKey.set(row.fault ?? row.source, row); // the last run of each wins
  }
  return [...byKey.values()];
};
const table = (header, body) =>
  [
    `| ${header.join(" | ")} |`,
    `|${header.map(() => "---").join("|")}|`,
    ...body.map((r) => `| ${r.join(" | ")} |`),
  ].join("\n");

const faults = rows("faults.jsonl");
console.log(
  table(
    ["fault", "sent", "published", "delivered", "lost", "duplicated", "note"],
    faults.map((r) => [
      r.fault,
      r.sent,
      r.published,
      r.delivered,
      r.lost,
      r.duplicated,
      r.note ?? "",
    ]),
  ),
);
const fuzz = rows("fuzz.jsonl");
if (fuzz.length > 0) {
  const reasons = (note) =>
    (note ?? "")
      .replace(/^dead letters by reason: /, "")
      .replace(/[{}"]/g, "")
      .replaceAll(":", " ")
      .replaceAll(",", ", ");
  console.log("");
  console.log(
    table(
      [
        "input",
        "malformed inputs",
        "dead-lettered (4xx)",
        "tolerated",
        "ignored",
        "good delivered",
        "crashes",
        "peak RSS MB",
        "seconds",
        "dead letters by reason",
      ],
      fuzz.map((r) => [
        r.source,
        r.malformed,
        r.deadLettered,
        r.tolerated,
        r.ignored,
        r.good,
        r.crashes,
        r.peakRssMb,
        Math.round(r.seconds),
        r.source === "gateway" ? "(answered 4xx)" : reasons(r.note),
      ]),
    ),
  );
}
