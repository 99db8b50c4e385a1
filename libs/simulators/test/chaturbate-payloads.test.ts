import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHATURBATE_METHODS, startChaturbateSimulator } from "../src/index.js";
import type { ChaturbateSimulator, WireEvent } from "../src/index.js";
import { TOKEN, cursorOf, feedUrl, poll } from "./feed-client.js";

const USER_KEYS = [
  "colorGroup",
  "fcAutoRenew",
  "gender",
  "hasDarkmode",
  "hasTokens",
  "inFanclub",
  "inPrivateShow",
  "isBroadcasting",
  "isFollower",
  "isMod",
  "isOwner",
  "isSilenced",
  "isSpying",
  "language",
  "recentTips",
  "subgender",
  "username",
];

// The sub-objects each method carries, per the reference's §2.3 table.
const OBJECT_KEYS: Record<string, string[]> = {
  broadcastStart: ["broadcaster", "user"],
  broadcastStop: ["broadcaster", "user"],
  chatMessage: ["broadcaster", "message", "user"],
  privateMessage: ["broadcaster", "message", "user"],
  tip: ["broadcaster", "tip", "user"],
  follow: ["broadcaster", "user"],
  unfollow: ["broadcaster", "user"],
  fanclubJoin: ["broadcaster", "user"],
  mediaPurchase: ["broadcaster", "media", "user"],
  roomSubjectChange: ["broadcaster", "subject"],
  userEnter: ["broadcaster", "user"],
  userLeave: ["broadcaster", "user"],
};

let sim: ChaturbateSimulator;
beforeAll(async () => {
  sim = await startChaturbateSimulator({
    accounts: [
      { username: "testuser", token: TOKEN },
      { username: "raw", token: TOKEN },
    ],
  });
});
afterAll(() => sim.close());

function many(method: (typeof CHATURBATE_METHODS)[number], count = 300): WireEvent[] {
  return Array.from({ length: count }, () => sim.emit("testuser", method));
}

describe("payloads", () => {
  it.each(CHATURBATE_METHODS)(
    "emits %s with wire key order and its documented fields",
    (method) => {
      const event = sim.emit("testuser", method);
      // Serialized order is what a byte-faithful consumer sees.
      const wire = JSON.parse(JSON.stringify(event)) as Record<string, Record<string, unknown>>;
      expect(Object.keys(wire)).toEqual(["method", "object", "id"]);
      expect(wire["method"]).toBe(method);
      expect(Object.keys(wire["object"]!)).toEqual(OBJECT_KEYS[method]);
      expect(wire["object"]!["broadcaster"]).toBe("testuser");
      for (const key of ["user", "message", "tip", "media"]) {
        const inner = wire["object"]![key] as Record<string, unknown> | undefined;
        if (inner !== undefined) expect(Object.keys(inner)).toEqual(Object.keys(inner).sort());
      }
      const user = wire["object"]!["user"] as Record<string, unknown> | undefined;
      if (method !== "roomSubjectChange") expect(Object.keys(user!)).toEqual(USER_KEYS);
    },
  );

  it("sends chat messages with color, font, bgColor null and orig null", () => {
    const message = sim.emit("testuser", "chatMessage").object.message!;
    expect(Object.keys(message)).toEqual(["bgColor", "color", "font", "message", "orig"]);
    expect(message).toMatchObject({ bgColor: null, orig: null });
    expect(message.message.length).toBeGreaterThan(0);
  });

  it("sends private messages in both directions with fromUser and toUser", () => {
    const pms = many("privateMessage");
    const received = pms.filter((e) => e.object.message!.toUser === "testuser");
    const sent = pms.filter((e) => e.object.message!.fromUser === "testuser");
    expect(received.length).toBeGreaterThan(0);
    expect(sent.length).toBeGreaterThan(0);
    for (const pm of pms) expect(pm.object.user!.username).toBe(pm.object.message!.fromUser);
    for (const pm of sent) expect(pm.object.message!.toUser).not.toBe("testuser");
  });

  it("prefixes tip notes with '| ', sends some empty, and keeps the real user on anon tips", () => {
    const tips = many("tip", 400).map((e) => e.object);
    for (const { tip } of tips) {
      expect(tip!.message === "" || tip!.message.startsWith("| ")).toBe(true);
      expect(Number.isInteger(tip!.tokens) && tip!.tokens > 0).toBe(true);
    }
    expect(tips.some(({ tip }) => tip!.message === "")).toBe(true);
    const anon = tips.filter(({ tip }) => tip!.isAnon);
    expect(anon.length).toBeGreaterThan(0);
    for (const { user } of anon) expect(user!.username).toMatch(/^[a-z0-9_]+$/);
  });

  it("sends mediaPurchase with a numeric media.id, as the docs specify", () => {
    const { media } = sim.emit("testuser", "mediaPurchase").object;
    expect(typeof media!.id).toBe("number");
    expect(["photos", "video"]).toContain(media!.type);
    expect(Object.keys(media!)).toEqual(["id", "name", "tokens", "type"]);
  });

  it("sets isFollower on follow/unfollow, inFanclub on fanclubJoin, the owner on broadcasts", () => {
    expect(sim.emit("testuser", "follow").object.user!.isFollower).toBe(true);
    expect(sim.emit("testuser", "unfollow").object.user!.isFollower).toBe(false);
    expect(sim.emit("testuser", "fanclubJoin").object.user!.inFanclub).toBe(true);
    const start = sim.emit("testuser", "broadcastStart").object.user!;
    expect(start).toMatchObject({ username: "testuser", isOwner: true, isBroadcasting: true });
    expect(sim.emit("testuser", "broadcastStop").object.user!.isBroadcasting).toBe(false);
  });

  it("draws viewers from a pool of plausible lowercase usernames", () => {
    const names = new Set(many("userEnter").map((e) => e.object.user!.username));
    expect(names.size).toBeGreaterThan(10);
    for (const name of names) expect(name).toMatch(/^[a-z0-9_]+$/);
  });

  it("deep-merges overrides into object, deletes keys set to undefined, keeps keys sorted", () => {
    const event = sim.emit("testuser", "mediaPurchase", {
      media: { id: "abc-1" },
      user: { username: "bob", zzExtra: 1, colorGroup: "few" },
      extra: true,
    });
    expect(event.object.media).toMatchObject({ id: "abc-1", type: expect.any(String) });
    expect(event.object.user).toMatchObject({ username: "bob", zzExtra: 1, colorGroup: "few" });
    expect(Object.keys(event.object)).toEqual(["broadcaster", "extra", "media", "user"]);
    const noUser = sim.emit("testuser", "tip", { user: undefined });
    expect(Object.keys(noUser.object)).toEqual(["broadcaster", "tip"]);
  });

  it("mixes all 12 methods in random streams, chat the most common", () => {
    const counts = new Map<string, number>();
    for (const event of sim.emitRandom("testuser", 3000)) {
      counts.set(event.method, (counts.get(event.method) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual([...CHATURBATE_METHODS].sort());
    const top = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
    expect(top).toBe("chatMessage");
  });

  it("repeats payloads for the same seed", async () => {
    const make = () =>
      startChaturbateSimulator({ seed: 42, accounts: [{ username: "s", token: TOKEN }] });
    const [a, b] = await Promise.all([make(), make()]);
    try {
      const strip = (events: WireEvent[]) =>
        events.map(({ method, object }) => ({ method, object }));
      expect(strip(a.emitRandom("s", 50))).toEqual(strip(b.emitRandom("s", 50)));
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it("refuses to emit to an unknown account or an unknown method", () => {
    expect(() => sim.emit("nobody", "tip")).toThrow(
      expect.objectContaining({ name: "UnknownAccountError" }),
    );
    expect(() => sim.emit("testuser", "kiss" as "tip")).toThrow(
      expect.objectContaining({ name: "InvalidInputError" }),
    );
  });
});

describe("emitRaw", () => {
  it("serves raw items as given and adds the cursor id to objects without one", async () => {
    const [before] = sim.emitRandom("raw", 1);
    const unknownMethod = sim.emitRaw("raw", { method: "kiss", object: { broadcaster: "raw" } });
    const noId = sim.emitRaw("raw", { method: "tip", object: {} }, { withId: false });
    const numericId = sim.emitRaw("raw", { method: "tip", object: {}, id: 7 });
    const nonObject = sim.emitRaw("raw", "not an event");
    expect(unknownMethod).toMatch(/^\d+-\d+$/);
    expect([noId, numericId, nonObject]).toEqual([undefined, undefined, undefined]);

    const batch = await poll(feedUrl(sim, "raw", `?i=${before!.id}&timeout=0`));
    expect(batch.events).toEqual([
      { method: "kiss", object: { broadcaster: "raw" }, id: unknownMethod },
      { method: "tip", object: {} },
      { method: "tip", object: {}, id: 7 },
      "not an event",
    ]);
    // The cursor advances past the last raw item even though it carries no id.
    expect(cursorOf(batch.nextUrl)).toBe(sim.feed("raw").at(-1)!.id);
  });

  it("lists every item with its cursor id through feed()", () => {
    const entries = sim.feed("raw");
    expect(entries.at(-1)!.item).toBe("not an event");
    expect(entries.map((e) => e.id)).toEqual([...new Set(entries.map((e) => e.id))]);
  });
});
