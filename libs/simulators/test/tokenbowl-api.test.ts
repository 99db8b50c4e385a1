import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTokenBowlSimulator, type TokenBowlSimulator } from "../src/tokenbowl/index.js";
import { api } from "./tokenbowl-client.js";

let sim: TokenBowlSimulator;
let alice: string;

beforeEach(async () => {
  sim = await startTokenBowlSimulator();
  alice = sim.register("alice", { logo: "claude-color.png" });
  sim.register("bob");
});
afterEach(async () => {
  await sim.close();
});

describe("Token Bowl simulator: auth and onboarding", () => {
  it("answers a missing or unknown key with 401, the real body and WWW-Authenticate: Bearer", async () => {
    for (const key of [undefined, "nope"]) {
      const res = await api(sim, "/messages", key === undefined ? {} : { key });
      expect(res.status).toBe(401);
      expect(res.json).toEqual({ detail: "Invalid or missing authentication credentials" });
      expect(res.headers.get("www-authenticate")).toBe("Bearer");
    }
    sim.setLegacy(true);
    expect((await api(sim, "/messages")).json).toEqual({ detail: "Missing API key" });
    expect((await api(sim, "/messages", { key: "nope" })).json).toEqual({
      detail: "Invalid API key",
    });
  });

  it("serves the public routes without a key", async () => {
    expect((await api(sim, "/health")).json).toEqual({ status: "healthy" });
    expect((await api(sim, "/logos")).json).toHaveLength(9);
  });

  it("registers with 201 and a 64-hex key that works, 409 when taken, 400 for the bot role, 422 for bad fields", async () => {
    const created = await api(sim, "/register", { body: { username: "carol", emoji: "🏈" } });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      username: "carol",
      role: "member",
      viewer: false,
      admin: false,
      bot: false,
      emoji: "🏈",
    });
    expect(created.json.api_key).toMatch(/^[0-9a-f]{64}$/);
    expect((await api(sim, "/users/me", { key: created.json.api_key })).json).toMatchObject({
      username: "carol",
    });
    const taken = await api(sim, "/register", { body: { username: "carol" } });
    expect([taken.status, taken.json]).toEqual([409, { detail: "Username carol already exists" }]);
    expect((await api(sim, "/register", { body: { username: "robo", role: "bot" } })).status).toBe(
      400,
    );
    const invalid = await api(sim, "/register", { body: { username: "", logo: "nope.png" } });
    expect(invalid.status).toBe(422);
    expect(invalid.json.detail.map((i: { loc: string[] }) => i.loc.join("."))).toEqual([
      "body.username",
      "body.logo",
    ]);
    const broken = await api(sim, "/register", { rawBody: "{" });
    expect(broken.json.detail[0]).toMatchObject({ type: "json_invalid" });
  });

  it("invalidates the old key at once when the key is regenerated", async () => {
    const res = await api(sim, "/users/me/regenerate-api-key", { key: alice, method: "POST" });
    expect(res.json).toMatchObject({
      message: expect.any(String),
      api_key: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect((await api(sim, "/messages", { key: alice })).status).toBe(401);
    expect((await api(sim, "/messages", { key: res.json.api_key })).status).toBe(200);
  });

  it("issues a Centrifugo connection token with the user's channels", async () => {
    const res = await api(sim, "/centrifugo/connection-token", { key: alice });
    expect(res.json).toMatchObject({ channels: ["user:alice", "room:main"], user: "alice" });
    const claims = JSON.parse(Buffer.from(res.json.token.split(".")[1], "base64url").toString());
    expect(claims).toMatchObject({ sub: "alice", channels: ["room:main", "user:alice"] });
    expect(claims.exp - claims.iat).toBe(86_400);
  });

  it("answers unknown routes 404 and wrong methods 405 as FastAPI does", async () => {
    expect(await api(sim, "/nothing", { key: alice })).toMatchObject({
      status: 404,
      json: { detail: "Not Found" },
    });
    expect(await api(sim, "/messages/direct", { key: alice, method: "POST" })).toMatchObject({
      status: 405,
    });
  });
});

describe("Token Bowl simulator: messages and roles", () => {
  it("stores a room message with the full 2.0.1 shape and a Python isoformat timestamp", async () => {
    const res = await api(sim, "/messages", { key: alice, body: { content: "Bold move." } });
    expect(res.status).toBe(201);
    expect(Object.keys(res.json).sort()).toEqual([
      "content",
      "description",
      "from_user_bot",
      "from_user_emoji",
      "from_user_id",
      "from_user_logo",
      "from_username",
      "id",
      "message_type",
      "timestamp",
      "to_user_id",
      "to_username",
    ]);
    expect(res.json).toMatchObject({
      from_username: "alice",
      from_user_logo: "claude-color.png",
      message_type: "room",
      to_username: null,
      description: "This is a message for the fantasy league's group chat.",
    });
    expect(res.json.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00$/);
    expect(res.json.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("lets only sender and recipient (and viewers) list a DM, with its description", async () => {
    const viewer = sim.register("vic", { role: "viewer" });
    const carol = sim.register("carol");
    const dm = (
      await api(sim, "/messages", { key: alice, body: { content: "psst", to_username: "bob" } })
    ).json;
    expect(dm).toMatchObject({
      message_type: "direct",
      description: "This is a direct message from alice to bob.",
    });
    const listed = async (key: string) =>
      (await api(sim, "/messages/direct", { key })).json.messages.length;
    expect([await listed(alice), await listed(viewer), await listed(carol)]).toEqual([1, 1, 0]);
    expect((await api(sim, `/messages/${dm.id}`, { key: carol })).status).toBe(403);
    expect((await api(sim, "/messages", { key: alice })).json.messages).toEqual([]);
  });

  it("enforces roles and recipients: 403 for viewers and bot DMs, 404 unknown, 400 to a viewer, 422 empty", async () => {
    const viewer = sim.register("vic", { role: "viewer" });
    const bot = sim.register("waiver_bot", { role: "bot" });
    const send = (key: string, body: unknown) => api(sim, "/messages", { key, body });
    expect((await send(viewer, { content: "hi" })).status).toBe(403);
    expect((await send(bot, { content: "hi", to_username: "bob" })).json.detail).toMatch(
      /messages:send:direct/,
    );
    expect((await send(bot, { content: "room is fine" })).status).toBe(201);
    expect(await send(alice, { content: "hi", to_username: "nobody" })).toMatchObject({
      status: 404,
      json: { detail: "User nobody not found" },
    });
    expect((await send(alice, { content: "hi", to_username: "vic" })).status).toBe(400);
    const empty = await send(alice, { content: "" });
    expect(empty.json.detail[0]).toMatchObject({
      type: "string_too_short",
      loc: ["body", "content"],
    });
    expect((await send(alice, { content: "x".repeat(10_001) })).json.detail[0].type).toBe(
      "string_too_long",
    );
  });

  it("keeps a deleted sender's messages with an empty from_user_id", async () => {
    sim.post("bob", "soon gone");
    sim.deleteUser("bob");
    const [message] = (await api(sim, "/messages", { key: alice })).json.messages;
    expect(message).toMatchObject({ from_username: "bob", from_user_id: "", from_user_bot: false });
  });

  it("tracks unread messages oldest-first without the caller's own, and marks them read", async () => {
    const first = sim.post("bob", "one");
    sim.post("bob", "two");
    sim.post("alice", "mine");
    sim.post("bob", "dm", { to: "alice" });
    const unread = (await api(sim, "/messages/unread", { key: alice })).json;
    expect(unread.map((m: { content: string }) => m.content)).toEqual(["one", "two"]);
    expect((await api(sim, "/messages/unread/count", { key: alice })).json).toEqual({
      unread_room_messages: 2,
      unread_direct_messages: 1,
      total_unread: 3,
    });
    const read = await api(sim, `/messages/${first.id}/read`, { key: alice, method: "POST" });
    expect(read.status).toBe(204);
    expect(
      (await api(sim, "/messages/mark-all-read", { key: alice, method: "POST" })).json,
    ).toEqual({ marked_as_read: 2 });
    expect(
      (
        await api(sim, `/messages/${"0".repeat(8)}-0000-4000-8000-${"0".repeat(12)}/read`, {
          key: alice,
          method: "POST",
        })
      ).status,
    ).toBe(404);
  });

  it("lists users as public profiles (legacy: names) and nobody online", async () => {
    const users = (await api(sim, "/users", { key: alice })).json;
    expect(users.map((u: { username: string }) => u.username)).toEqual(["alice", "bob"]);
    expect(users[0]).toEqual({
      id: expect.any(String),
      username: "alice",
      role: "member",
      logo: "claude-color.png",
      emoji: null,
      bot: false,
      viewer: false,
    });
    expect((await api(sim, "/users/online", { key: alice })).json).toEqual([]);
    sim.setLegacy(true);
    expect((await api(sim, "/users", { key: alice })).json).toEqual(["alice", "bob"]);
  });
});
