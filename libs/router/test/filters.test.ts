import { describe, expect, it } from "vitest";
import { EventRouter, cooldown, fromRoles, minAmount, notBot, rolesOf } from "../src/index.js";
import { context, event } from "./fixtures.js";

const chat = (
  username: string,
  user: Record<string, unknown> = {},
  extra: Record<string, unknown> = {},
) => event("twitch.chat.message", { user: { username, ...user }, text: "hi", ...extra });

async function passes(
  filter: ReturnType<typeof notBot>,
  e: ReturnType<typeof event>,
): Promise<boolean> {
  return filter(e, { ...context(), emit: async () => undefined });
}

describe("filters", () => {
  it("notBot drops known bots, bot roles and isBot, keeping people", async () => {
    const filter = notBot({ names: ["MyOwnBot"] });
    expect(await passes(filter, chat("viewer1"))).toBe(true);
    expect(await passes(filter, chat("Nightbot"))).toBe(false);
    expect(await passes(filter, chat("myownbot"))).toBe(false);
    expect(await passes(filter, chat("helper", { roles: ["bot"] }))).toBe(false);
    expect(await passes(filter, chat("helper", { isBot: true }))).toBe(false);
    expect(await passes(filter, event("obs.scene_changed", { sceneName: "x" }))).toBe(true);
  });

  it("fromRoles reads user.roles and the sources' own flags", async () => {
    const mods = fromRoles("moderator", "broadcaster");
    expect(await passes(mods, chat("a", { roles: ["vip"] }))).toBe(false);
    expect(await passes(mods, chat("a", { roles: ["Moderator"] }))).toBe(true);
    expect(
      await passes(
        mods,
        event("chaturbate.chat.message", {
          broadcaster: "alice",
          user: { username: "bob", isMod: true },
        }),
      ),
    ).toBe(true);
    expect(
      await passes(
        mods,
        event("chaturbate.chat.message", {
          broadcaster: "alice",
          user: { username: "alice", isMod: false },
        }),
      ),
    ).toBe(true);
    expect(
      await passes(
        fromRoles("fanclub"),
        event("chaturbate.tip", { user: { username: "c", inFanclub: true } }),
      ),
    ).toBe(true);
    expect([...rolesOf(chat("x", { roles: ["VIP", "subscriber"] }))]).toEqual([
      "vip",
      "subscriber",
    ]);
  });

  it("cooldown lets one event per user through per window, or one overall", async () => {
    const perUser = cooldown(60_000);
    expect(await passes(perUser, chat("a"))).toBe(true);
    expect(await passes(perUser, chat("a"))).toBe(false);
    expect(await passes(perUser, chat("b"))).toBe(true);
    const global = cooldown(60_000, { per: "global" });
    expect(await passes(global, chat("a"))).toBe(true);
    expect(await passes(global, chat("b"))).toBe(false);
    const short = cooldown(20);
    expect(await passes(short, chat("a"))).toBe(true);
    await new Promise((r) => setTimeout(r, 30));
    expect(await passes(short, chat("a"))).toBe(true);
  });

  it("minAmount compares tokens, bits or amount, and drops events without one", async () => {
    const big = minAmount(100);
    expect(await passes(big, event("chaturbate.tip", { tokens: 99 }))).toBe(false);
    expect(await passes(big, event("chaturbate.tip", { tokens: 100 }))).toBe(true);
    expect(await passes(big, event("twitch.cheer", { bits: 500 }))).toBe(true);
    expect(await passes(big, event("twitch.follow", {}))).toBe(false);
  });

  it("combines with other filters on a handler", async () => {
    const thanked: string[] = [];
    const router = new EventRouter().on(
      "twitch.chat.message",
      (e) => void thanked.push(String((e.data as { user: { username: string } }).user.username)),
      {
        filter: [notBot(), cooldown(60_000)],
      },
    );
    for (const name of ["a", "nightbot", "a", "b"]) await router.dispatch(chat(name), context());
    expect(thanked).toEqual(["a", "b"]);
  });
});
