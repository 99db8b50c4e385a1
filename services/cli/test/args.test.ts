import { describe, expect, it } from "vitest";
import { parseDuration, parseSequences, parseTime, subjectFilter } from "../src/args.js";
import { UsageError } from "../src/errors.js";

describe("argument parsing", () => {
  it("reads durations with units ms, s, m, h, d, w", () => {
    expect(parseDuration("500ms")).toBe(500);
    expect(parseDuration("10m")).toBe(600_000);
    expect(parseDuration("1.5h")).toBe(5_400_000);
    expect(parseDuration("1d")).toBe(86_400_000);
    expect(parseDuration("10")).toBeUndefined();
    expect(parseDuration("10 minutes")).toBeUndefined();
  });

  it("reads --since as a duration back from now or an RFC 3339 time", () => {
    const now = new Date("2025-11-23T12:00:00Z");
    expect(parseTime("2h", "--since", now).toISOString()).toBe("2025-11-23T10:00:00.000Z");
    expect(parseTime("2025-11-20T08:30:00+01:00", "--since", now).toISOString()).toBe(
      "2025-11-20T07:30:00.000Z",
    );
    expect(() => parseTime("2025-11-20", "--since", now)).toThrow(UsageError);
    expect(() => parseTime("tomorrow", "--since", now)).toThrow(
      "--since must be a duration (10m, 2h, 1d) or an RFC 3339 time, not 'tomorrow'",
    );
  });

  it("reads stream sequences, ranges and comma lists", () => {
    expect(parseSequences(["12", "15-17", "3,4", "12"])).toEqual([3, 4, 12, 15, 16, 17]);
    expect(() => parseSequences(["0"])).toThrow(UsageError);
    expect(() => parseSequences(["9-3"])).toThrow("not a stream sequence or range: '9-3'");
    expect(() => parseSequences(["abc"])).toThrow(UsageError);
  });

  it("turns type patterns into subject filters under a prefix, refusing unsafe ones", () => {
    expect(subjectFilter(">", "events", "pattern")).toBe("events.>");
    expect(subjectFilter("chaturbate.>", "events", "pattern")).toBe("events.chaturbate.>");
    expect(subjectFilter("events.*.chat.message", "events", "pattern")).toBe(
      "events.*.chat.message",
    );
    expect(subjectFilter("worker.alerts", "dlq", "--subject")).toBe("dlq.worker.alerts");
    expect(() => subjectFilter("a.>.b", "events", "pattern")).toThrow(UsageError);
    expect(() => subjectFilter("chat message", "events", "pattern")).toThrow(UsageError);
  });
});
