import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTokenBowlSimulator, type TokenBowlSimulator } from "../src/tokenbowl/index.js";
import { api, since } from "./tokenbowl-client.js";

let sim: TokenBowlSimulator;
let key: string;

beforeEach(async () => {
  sim = await startTokenBowlSimulator({ seed: 3 });
  key = sim.register("reader");
  sim.register("alice");
});
afterEach(async () => {
  await sim.close();
});

const contents = (res: { json: { messages: { content: string }[] } }) =>
  res.json.messages.map((m) => m.content);

describe("Token Bowl simulator: pages", () => {
  it("pages newest-first with total, offset, limit and has_more = offset + len < total", async () => {
    for (let i = 0; i < 5; i++) sim.post("alice", `m${i}`);
    const first = await api(sim, "/messages?limit=2", { key });
    expect(contents(first)).toEqual(["m4", "m3"]);
    expect(first.json.pagination).toEqual({ total: 5, offset: 0, limit: 2, has_more: true });
    const last = await api(sim, "/messages?limit=2&offset=4", { key });
    expect(contents(last)).toEqual(["m0"]);
    expect(last.json.pagination.has_more).toBe(false);
    expect(contents(await api(sim, "/messages?limit=-1&offset=1", { key }))).toHaveLength(4);
    expect((await api(sim, "/messages", { key })).json.pagination.limit).toBe(50);
    const bad = await api(sim, "/messages?limit=ten", { key });
    expect(bad.status).toBe(422);
    expect(bad.json.detail[0]).toMatchObject({ type: "int_parsing", loc: ["query", "limit"] });
  });

  it("pages oldest-first with the first version's 6 fields in legacy mode, switchable between requests", async () => {
    for (let i = 0; i < 3; i++) sim.post("alice", `m${i}`);
    sim.setLegacy(true);
    const legacy = await api(sim, "/messages?limit=2", { key });
    expect(contents(legacy)).toEqual(["m0", "m1"]);
    expect(Object.keys(legacy.json.messages[0]).sort()).toEqual([
      "content",
      "from_username",
      "id",
      "message_type",
      "timestamp",
      "to_username",
    ]);
    sim.setLegacy(false);
    expect(contents(await api(sim, "/messages?limit=2", { key }))).toEqual(["m2", "m1"]);
  });

  it("filters since exclusively, comparing the server's own text", async () => {
    const [a, b, c] = ["a", "b", "c"].map((text) => sim.post("alice", text));
    expect(contents(await api(sim, `/messages${since(a!.timestamp)}`, { key }))).toEqual([
      "c",
      "b",
    ]);
    expect(contents(await api(sim, `/messages${since(c!.timestamp)}`, { key }))).toEqual([]);
    // The docs' Z form is accepted; a date alone is midnight.
    const z = b!.timestamp.replace("+00:00", "Z");
    expect(contents(await api(sim, `/messages${since(z)}`, { key }))).toEqual(["c"]);
    expect(contents(await api(sim, `/messages${since("2000-01-01")}`, { key }))).toHaveLength(3);
  });

  it("re-returns the last message for a millisecond since, as JS toISOString gives", async () => {
    const m = sim.post("alice", "precise", { timestamp: "2025-11-05T18:22:41.503912+00:00" });
    const millis = new Date(m.timestamp).toISOString(); // 2025-11-05T18:22:41.503Z
    expect(contents(await api(sim, `/messages${since(millis)}`, { key }))).toEqual(["precise"]);
  });

  it("answers 400 for an unparseable since, including a + that arrived as a space", async () => {
    const m = sim.post("alice", "x");
    for (const query of [
      `?since=${m.timestamp}`,
      since("last tuesday"),
      since("2025-02-30T00:00:00"),
    ]) {
      const res = await api(sim, `/messages${query}`, { key });
      expect([res.status, res.json]).toEqual([
        400,
        { detail: "Invalid timestamp format. Use ISO 8601 format." },
      ]);
    }
  });

  it("compares a non-UTC since as text, returning the wrong messages as the real server does", async () => {
    sim.post("alice", "at 18:30 UTC", { timestamp: "2025-11-05T18:30:00+00:00" });
    // 20:00+02:00 is 18:00 UTC, before the message, but "20:00" > "18:30" as text.
    const res = await api(sim, `/messages${since("2025-11-05T20:00:00+02:00")}`, { key });
    expect(contents(res)).toEqual([]);
  });

  it("writes a whole-second timestamp without a fraction and keeps ties in insertion order", async () => {
    const t = "2025-11-05T18:22:41+00:00";
    sim.post("alice", "first", { timestamp: t });
    sim.post("alice", "second", { timestamp: t });
    const res = await api(sim, "/messages", { key });
    expect(contents(res)).toEqual(["second", "first"]);
    expect(res.json.messages[0].timestamp).toBe(t);
  });

  it("keeps only the newest 100 messages, room and DMs together", async () => {
    for (let i = 0; i < 30; i++) sim.post("alice", `dm ${i}`, { to: "reader" });
    sim.flood(90);
    const room = await api(sim, "/messages?limit=1000", { key });
    const direct = await api(sim, "/messages/direct?limit=1000", { key });
    expect(room.json.pagination.total + direct.json.pagination.total).toBe(100);
    expect(direct.json.pagination.total).toBe(10);
    expect(sim.evicted).toBe(20);
    expect(sim.posted()).toHaveLength(120);
  });
});
