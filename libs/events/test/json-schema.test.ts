import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { eventJsonSchemas, knownEventTypes } from "../src/index.js";

const DIR = join(import.meta.dirname, "../../../docs/schemas");

describe("JSON Schema export", () => {
  it("has a committed schema for every event type, matching the zod schemas (run `npx nx run events:schemas`)", () => {
    const schemas = eventJsonSchemas();
    const files = readdirSync(DIR).filter((f) => f.endsWith(".json"));
    expect(files.map((f) => f.replace(/\.json$/, "")).sort()).toEqual([...knownEventTypes].sort());
    for (const type of knownEventTypes) {
      const committed = JSON.parse(readFileSync(join(DIR, `${type}.json`), "utf8")) as unknown;
      expect(committed, `docs/schemas/${type}.json is stale`).toEqual(schemas[type]);
    }
  });

  it("describes the envelope with the type pinned and the payload required", () => {
    const tip = eventJsonSchemas()["chaturbate.tip"] as {
      properties: Record<string, { const?: string }>;
      required: string[];
    };
    expect(tip.properties["type"]).toMatchObject({ const: "chaturbate.tip" });
    expect(tip.required).toEqual(
      expect.arrayContaining(["specversion", "id", "source", "type", "time", "data"]),
    );
  });
});
