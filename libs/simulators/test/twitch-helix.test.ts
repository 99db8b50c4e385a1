import { afterEach, describe, expect, it } from "vitest";
import type { TwitchSimulator } from "../src/twitch/index.js";
import type { TestClient } from "./twitch-client.js";
import {
  CLIENT_ID,
  MOD,
  OTHER,
  STREAMER,
  TOKEN,
  connect,
  helix,
  startSim,
  subscribe,
} from "./twitch-client.js";

let sim: TwitchSimulator | undefined;
const clients: TestClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await sim?.close();
  sim = undefined;
});

async function session() {
  const { client, sessionId } = await connect(sim!);
  clients.push(client);
  return sessionId;
}

describe("twitch simulator: Helix subscriptions", () => {
  it("creates a subscription: 202 with the documented body and rate-limit headers", async () => {
    sim = await startSim({ subscribeDeadlineMs: 60_000 });
    const sessionId = await session();
    const condition = { broadcaster_user_id: STREAMER.id, user_id: STREAMER.id };
    const res = await subscribe(sim, sessionId, "channel.chat.message", "1", condition);
    expect(res.status).toBe(202);
    expect(res.json).toEqual({
      data: [
        {
          id: expect.stringMatching(/^[0-9a-f-]{36}$/),
          status: "enabled",
          type: "channel.chat.message",
          version: "1",
          condition,
          created_at: expect.any(String),
          transport: {
            method: "websocket",
            session_id: sessionId,
            connected_at: expect.any(String),
          },
          cost: 0,
        },
      ],
      total: 1,
      total_cost: 0,
      max_total_cost: 10,
    });
    expect(res.headers.get("ratelimit-limit")).toBe("800");
    expect(res.headers.get("ratelimit-remaining")).toBe("799");
    expect(Number(res.headers.get("ratelimit-reset"))).toBeGreaterThan(Date.now() / 1000);
  });

  it("refuses missing, invalid, app and other clients' tokens with 401", async () => {
    sim = await startSim({ subscribeDeadlineMs: 60_000 });
    sim.addClient({ clientId: "otherclient", clientSecret: "x" });
    const app = sim.issueToken({ userId: null, clientId: CLIENT_ID, refreshToken: null });
    const sessionId = await session();
    const cases = [
      [{ token: null }, "OAuth token is missing"],
      [{ token: "nope" }, "Invalid OAuth token"],
      [{ clientId: null }, "Client-Id header is required"],
      [{ clientId: "otherclient" }, "Client ID and OAuth token do not match"],
      [{ token: app.accessToken }, "websocket transport requires a user access token"],
    ] as const;
    for (const [call, message] of cases) {
      const res = await subscribe(sim, sessionId, "stream.online", "1", undefined, call);
      expect([res.status, res.json.message]).toEqual([401, message]);
    }
  });

  it("checks type, version, condition, scope and who authorized (400, 403, 410)", async () => {
    sim = await startSim({ subscribeDeadlineMs: 60_000 });
    const narrow = sim.issueToken({
      userId: STREAMER.id,
      clientId: CLIENT_ID,
      scopes: ["user:read:chat"],
    });
    const modToken = sim.issueToken({
      userId: MOD.id,
      clientId: CLIENT_ID,
      scopes: ["moderator:read:followers"],
    });
    const sessionId = await session();
    const follow = (moderator: string) => ({
      broadcaster_user_id: STREAMER.id,
      moderator_user_id: moderator,
    });
    const check = async (args: Parameters<typeof subscribe>, status: number) => {
      const res = await subscribe(...args);
      expect(res.status, JSON.stringify(res.json)).toBe(status);
    };
    await check([sim, sessionId, "channel.follow", "1", follow(STREAMER.id)], 410);
    await check([sim, sessionId, "channel.ban", "1"], 400);
    await check([sim, sessionId, "channel.update", "1"], 400);
    await check([sim, sessionId, "channel.follow", "2", { broadcaster_user_id: STREAMER.id }], 400);
    await check(
      [
        sim,
        sessionId,
        "channel.raid",
        "1",
        { from_broadcaster_user_id: STREAMER.id, to_broadcaster_user_id: OTHER.id },
      ],
      400,
    );
    await check([sim, sessionId, "stream.online", "1", { broadcaster_user_id: "404404" }], 400);
    await check(
      [
        sim,
        sessionId,
        "channel.cheer",
        "1",
        { broadcaster_user_id: STREAMER.id },
        { token: narrow.accessToken },
      ],
      403,
    );
    await check([sim, sessionId, "channel.cheer", "1", { broadcaster_user_id: OTHER.id }], 403);
    await check(
      [
        sim,
        sessionId,
        "channel.chat.message",
        "1",
        { broadcaster_user_id: OTHER.id, user_id: OTHER.id },
      ],
      403,
    );
    await check(
      [
        sim,
        sessionId,
        "channel.chat.message",
        "1",
        { broadcaster_user_id: OTHER.id, user_id: STREAMER.id },
      ],
      202,
    );
    // A moderator may read the channel's follows; on another session (one user per session).
    const modSession = await session();
    await check(
      [sim, modSession, "channel.follow", "2", follow(MOD.id), { token: modToken.accessToken }],
      202,
    );
    await check(
      [
        sim,
        modSession,
        "channel.follow",
        "2",
        { broadcaster_user_id: OTHER.id, moderator_user_id: MOD.id },
        { token: modToken.accessToken },
      ],
      403,
    );
  });

  it("refuses a dead or unknown session, a second user on a session, and duplicates (409)", async () => {
    sim = await startSim({ subscribeDeadlineMs: 60_000 });
    const modToken = sim.issueToken({ userId: MOD.id, clientId: CLIENT_ID, scopes: [] });
    const sessionId = await session();
    expect((await subscribe(sim, "AQoQnotasession", "stream.online", "1")).json.message).toBe(
      "websocket transport session does not exist or has already disconnected",
    );
    expect((await subscribe(sim, sessionId, "stream.online", "1")).status).toBe(202);
    const dup = await subscribe(sim, sessionId, "stream.online", "1");
    expect([dup.status, dup.json.message]).toEqual([409, "subscription already exists"]);
    const second = await subscribe(sim, sessionId, "stream.offline", "1", undefined, {
      token: modToken.accessToken,
    });
    expect([second.status, second.json.message]).toEqual([
      400,
      "websocket transport cannot have subscriptions created by different users",
    ]);
    sim.closeSessions(4006, { sessionId });
    await new Promise((r) => setTimeout(r, 50));
    expect((await subscribe(sim, sessionId, "stream.offline", "1")).status).toBe(400);
  });

  it("enforces 3 transports, 3 per type and condition, and max_total_cost 10 (429)", async () => {
    sim = await startSim({ subscribeDeadlineMs: 60_000 });
    const ids = [await session(), await session(), await session(), await session()];
    for (const id of ids.slice(0, 3)) {
      expect((await subscribe(sim, id, "channel.update", "2")).status).toBe(202);
    }
    const fourth = await subscribe(sim, ids[3]!, "stream.online", "1");
    expect([fourth.status, fourth.json.message]).toEqual([
      429,
      "number of websocket transports limit exceeded",
    ]);
    const fourthKind = await subscribe(sim, ids[0]!, "channel.update", "2", {
      broadcaster_user_id: STREAMER.id,
    });
    expect(fourthKind.status).toBe(409);
    expect(
      (await subscribe(sim, ids[0]!, "channel.raid", "1", { to_broadcaster_user_id: STREAMER.id }))
        .status,
    ).toBe(202);
    // Other channels never authorized the client: their public types cost 1 each.
    const others = ["100", "101", "102"];
    for (const id of others) sim.addUser({ id, login: `channel_${id}` });
    let costly = 0;
    let refused: { status: number; message: string | undefined } | undefined;
    for (const id of others) {
      for (const type of ["stream.online", "stream.offline", "channel.update", "channel.raid"]) {
        const condition =
          type === "channel.raid" ? { to_broadcaster_user_id: id } : { broadcaster_user_id: id };
        const res = await subscribe(
          sim,
          ids[0]!,
          type,
          type === "channel.update" ? "2" : "1",
          condition,
        );
        if (res.status === 202) costly += 1;
        else refused ??= { status: res.status, message: res.json.message };
      }
    }
    expect(costly).toBe(10);
    expect(refused).toEqual({ status: 429, message: "subscription cost exceeds max_total_cost" });
    const list = await helix(sim, "/eventsub/subscriptions");
    expect(list.json).toMatchObject({ total_cost: 10, max_total_cost: 10 });
  });

  it("counts a type+condition across sessions and refuses the fourth with 429", async () => {
    sim = await startSim({ subscribeDeadlineMs: 60_000, maxTransports: 10 });
    const ids = [await session(), await session(), await session(), await session()];
    const statuses = [];
    for (const id of ids) statuses.push((await subscribe(sim, id, "stream.online", "1")).status);
    expect(statuses).toEqual([202, 202, 202, 429]);
  });

  it("rate-limits per client and user with Ratelimit-Remaining 0 and a future reset", async () => {
    sim = await startSim({ rateLimitPerMinute: 3 });
    const statuses = [];
    let last: Awaited<ReturnType<typeof helix>> | undefined;
    for (let i = 0; i < 4; i++) {
      last = await helix(sim, "/users");
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(last!.headers.get("ratelimit-remaining")).toBe("0");
    expect(Number(last!.headers.get("ratelimit-reset"))).toBeGreaterThanOrEqual(
      Math.floor(Date.now() / 1000),
    );
  });

  it("lists with one filter, pages with a cursor, keeps disabled ones with disconnected_at, and deletes", async () => {
    sim = await startSim({ subscribeDeadlineMs: 60_000, pageSize: 2 });
    const sessionId = await session();
    for (const type of ["stream.online", "stream.offline"])
      await subscribe(sim, sessionId, type, "1");
    await subscribe(sim, sessionId, "channel.update", "2");
    const first = await helix(sim, "/eventsub/subscriptions");
    expect(first.json.data).toHaveLength(2);
    expect(first.json["total"]).toBe(3);
    const cursor = (first.json["pagination"] as { cursor: string }).cursor;
    const second = await helix(sim, `/eventsub/subscriptions?after=${cursor}`);
    expect(second.json.data.map((s) => s["type"])).toEqual(["channel.update"]);
    expect(second.json["pagination"]).toEqual({});
    expect(
      (await helix(sim, "/eventsub/subscriptions?type=stream.online&status=enabled")).status,
    ).toBe(400);
    sim.closeSessions(4005, { sessionId });
    await new Promise((r) => setTimeout(r, 50));
    const disabled = await helix(
      sim,
      "/eventsub/subscriptions?status=websocket_network_timeout&first=10",
    );
    expect(disabled.json.data).toHaveLength(3);
    expect(
      (disabled.json.data[0]!["transport"] as Record<string, unknown>)["disconnected_at"],
    ).toEqual(expect.any(String));
    const id = String(disabled.json.data[0]!["id"]);
    expect(
      (await helix(sim, `/eventsub/subscriptions?id=${id}`, { method: "DELETE" })).status,
    ).toBe(204);
    expect(
      (await helix(sim, `/eventsub/subscriptions?id=${id}`, { method: "DELETE" })).status,
    ).toBe(404);
    expect((await helix(sim, "/eventsub/subscriptions", { method: "DELETE" })).status).toBe(400);
  });

  it("looks users up by login and id, and answers the token's user without parameters", async () => {
    sim = await startSim();
    const byLogin = await helix(
      sim,
      `/users?login=${OTHER.login}&login=Cool_Streamer&id=${MOD.id}&login=nobody`,
    );
    expect(byLogin.json.data.map((u) => u["login"]).sort()).toEqual(
      [STREAMER.login, MOD.login, OTHER.login].sort(),
    );
    const me = await helix(sim, "/users", { token: TOKEN });
    expect(me.json.data).toEqual([
      expect.objectContaining({ id: STREAMER.id, display_name: STREAMER.displayName }),
    ]);
  });

  it("serves injected faults to matching requests only, then normal answers", async () => {
    sim = await startSim({ subscribeDeadlineMs: 60_000 });
    const sessionId = await session();
    sim.inject({ kind: "status", status: 503 }, { endpoint: "eventsub", method: "POST" });
    sim.inject({ kind: "rateLimit", resetInS: 2 }, { endpoint: "users" });
    expect((await helix(sim, "/eventsub/subscriptions")).status).toBe(200);
    const users = await helix(sim, "/users");
    expect([users.status, users.headers.get("ratelimit-remaining")]).toEqual([429, "0"]);
    expect((await subscribe(sim, sessionId, "stream.online", "1")).status).toBe(503);
    expect((await subscribe(sim, sessionId, "stream.online", "1")).status).toBe(202);
    sim.inject({ kind: "reset" });
    await expect(helix(sim, "/users")).rejects.toThrow();
    expect(sim.requests.map((r) => r.fault).filter(Boolean)).toEqual([
      "rateLimit",
      "status",
      "reset",
    ]);
    expect(JSON.stringify(sim.requests)).not.toContain(TOKEN);
  });
});
