import { describe, expect, it } from "vitest";
import {
  mergeChronological,
  pageItem,
  parseCursor,
  pythonIsoUtc,
  sift,
  sinceFor,
  timestampMicros,
} from "../src/index.js";

const T = "2025-11-05T18:22:41.503912+00:00";
const msg = (id: string, timestamp: string) => ({ id, timestamp, from_username: "a", content: id });
const ids = (items: readonly { key: string }[]) => items.map((i) => i.key);
const item = (value: unknown) => pageItem(value, JSON.stringify(value));

describe("Token Bowl timestamps", () => {
  it("reads the server's microseconds, the docs' Z form, whole seconds and offsets", () => {
    expect(timestampMicros(T)).toBe(1762366961503912n);
    expect(timestampMicros("2025-11-05T18:22:41.503912Z")).toBe(1762366961503912n);
    expect(timestampMicros("2025-11-05T18:22:41+00:00")).toBe(1762366961000000n);
    expect(timestampMicros("2025-11-05T20:22:41.5+02:00")).toBe(1762366961500000n);
    expect(timestampMicros("2025-11-05 18:22:41")).toBe(1762366961000000n);
    for (const bad of ["", "yesterday", "2025-13-05T18:22:41+00:00", "2025-11-05T18:22:41 00:00"])
      expect(timestampMicros(bad), bad).toBeUndefined();
  });

  it("writes instants as the server does, so that text order is time order", () => {
    expect(pythonIsoUtc(1762366961503912n)).toBe(T);
    expect(pythonIsoUtc(1762366961000000n)).toBe("2025-11-05T18:22:41+00:00");
    const instants = [1762366960999999n, 1762366961000000n, 1762366961000001n, 1762366961503912n];
    const texts = instants.map(pythonIsoUtc);
    expect([...texts].sort()).toEqual(texts);
  });

  it("asks for the anchor's own microsecond again, also across a whole second", () => {
    expect(sinceFor({ at: T, ids: ["a"] })).toBe("2025-11-05T18:22:41.503911+00:00");
    expect(sinceFor({ at: "2025-11-05T18:22:41+00:00", ids: [] })).toBe(
      "2025-11-05T18:22:40.999999+00:00",
    );
    expect(sinceFor(undefined)).toBeUndefined();
  });
});

describe("the cursor", () => {
  it("keeps a message that shares the anchor's timestamp but was not read, and drops the read one", () => {
    const later = "2025-11-05T18:22:41.600000+00:00";
    // Newest first, as server 1.1.2 and later page.
    const page = [msg("c", later), msg("b", T), msg("a", T)].map(item);
    const result = sift(page, { at: T, ids: ["a"] });
    expect(ids(result.fresh)).toEqual(["b", "c"]);
    expect(result.anchor).toEqual({ at: later, ids: ["c"] });
    expect(result.anchorKept).toBe(true);
  });

  it("collects every id of a tie at the newest timestamp and reads oldest-first pages as they are", () => {
    const page = [msg("a", "2025-11-05T18:00:00+00:00"), msg("b", T), msg("c", T)].map(item);
    const result = sift(page, undefined);
    expect(ids(result.fresh)).toEqual(["a", "b", "c"]);
    expect(result.anchor).toEqual({ at: T, ids: ["b", "c"] });
    expect(result.oldest?.key).toBe("a");
  });

  it("passes on messages without an id or time (to be dead-lettered) without moving the anchor", () => {
    const page = [msg("b", T), { from_username: "x" }, msg("a", "2025-11-05T18:00:00+00:00")].map(
      item,
    );
    const result = sift(page, undefined);
    expect(result.fresh.map((i) => i.key.startsWith("sha256:") || i.key)).toEqual(["a", true, "b"]);
    expect(result.anchor).toEqual({ at: T, ids: ["b"] });
  });

  it("merges room and DMs by time", () => {
    const room = [msg("r1", "2025-11-05T18:00:01+00:00"), msg("r2", "2025-11-05T18:00:03+00:00")];
    const dms = [msg("d1", "2025-11-05T18:00:02+00:00")];
    const merged = mergeChronological(room.map(item), dms.map(item));
    expect(ids(merged)).toEqual(["r1", "d1", "r2"]);
  });

  it("refuses a stored cursor it did not write, so reading starts over", () => {
    expect(parseCursor(undefined)).toEqual({});
    expect(parseCursor({ room: { at: T, ids: ["a"] }, covered: T }).cursor).toBeDefined();
    expect(parseCursor({ room: { at: "soon", ids: [] } }).problem).toMatch(/room/);
    expect(parseCursor({ covered: 5 }).problem).toMatch(/covered/);
    expect(parseCursor("i=123").problem).toBeDefined();
  });
});
