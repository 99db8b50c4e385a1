import { describe, expect, it } from "vitest";
import { percentile, rate, table } from "../src/index.js";

describe("bench measurements", () => {
  it("computes nearest-rank percentiles", () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 50)).toBe(50);
    expect(percentile(sorted, 99)).toBe(99);
    expect(percentile(sorted, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });

  it("turns a count and a duration into a rate", () => {
    expect(rate(50_000, 2000)).toBe(25_000);
  });

  it("prints each figure with its ratio to the baseline and whether the target is met", () => {
    const text = table([
      { name: "raw", value: 10_000, unit: "msg/s" },
      {
        name: "castbus",
        value: 45_000,
        unit: "events/s",
        baseline: { name: "raw", value: 10_000 },
        target: { text: "≥ 4× raw", met: true },
      },
    ]);
    expect(text).toContain("45,000 events/s");
    expect(text).toContain("4.50× raw");
    expect(text).toContain("✓ ≥ 4× raw");
  });
});
