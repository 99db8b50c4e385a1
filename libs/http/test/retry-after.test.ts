import { describe, expect, it } from "vitest";
import { MAX_RETRY_AFTER_MS, parseRetryAfter } from "../src/index.js";

const NOW = Date.parse("2026-03-01T12:00:00Z");

describe("parseRetryAfter", () => {
  it("reads delay-seconds as milliseconds", () => {
    expect(parseRetryAfter("0", NOW)).toBe(0);
    expect(parseRetryAfter("2", NOW)).toBe(2000);
    expect(parseRetryAfter("120", NOW)).toBe(120_000);
  });

  it("ignores surrounding whitespace", () => {
    expect(parseRetryAfter("  3 ", NOW)).toBe(3000);
  });

  it("reads decimal seconds, rounded to the millisecond", () => {
    expect(parseRetryAfter("1.5", NOW)).toBe(1500);
    expect(parseRetryAfter("0.0004", NOW)).toBe(0);
    expect(parseRetryAfter("2.0005", NOW)).toBe(2001);
  });

  it("reads a future HTTP date as the time until then", () => {
    expect(parseRetryAfter("Sun, 01 Mar 2026 12:00:30 GMT", NOW)).toBe(30_000);
  });

  it("reads a past HTTP date as 0", () => {
    expect(parseRetryAfter("Sun, 01 Mar 2026 11:59:00 GMT", NOW)).toBe(0);
    expect(parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", NOW)).toBe(0);
  });

  it("measures dates from Date.now() by default", () => {
    const inTenSeconds = new Date(Date.now() + 10_000).toUTCString();
    const ms = parseRetryAfter(inTenSeconds);
    expect(ms).toBeGreaterThan(8000);
    expect(ms).toBeLessThanOrEqual(10_000);
  });

  it("returns undefined for a missing or blank header", () => {
    expect(parseRetryAfter(undefined, NOW)).toBeUndefined();
    expect(parseRetryAfter("", NOW)).toBeUndefined();
    expect(parseRetryAfter("   ", NOW)).toBeUndefined();
  });

  it.each(["soon", "5 s", "1e3", "0x10", "Infinity", "NaN", "12abc", "tomorrow-ish"])(
    "returns undefined for the garbage value %j",
    (value) => {
      expect(parseRetryAfter(value, NOW)).toBeUndefined();
    },
  );

  // Neither delay-seconds nor an HTTP date, yet V8's lenient Date.parse reads each as a year
  // (-5, +5, 5, 3) and the value comes back as 0 instead of undefined.
  it.each(["-5", "+5", ".5", "3."])("returns undefined for the malformed number %j", (value) => {
    expect(parseRetryAfter(value, NOW)).toBeUndefined();
  });

  it("clamps long delays to MAX_RETRY_AFTER_MS", () => {
    expect(MAX_RETRY_AFTER_MS).toBe(600_000);
    expect(parseRetryAfter("600", NOW)).toBe(600_000);
    expect(parseRetryAfter("601", NOW)).toBe(MAX_RETRY_AFTER_MS);
    expect(parseRetryAfter("99999999", NOW)).toBe(MAX_RETRY_AFTER_MS);
    expect(parseRetryAfter("Fri, 01 Jan 2100 00:00:00 GMT", NOW)).toBe(MAX_RETRY_AFTER_MS);
  });
});
