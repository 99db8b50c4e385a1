import { afterEach, describe, expect, it } from "vitest";
import type { TwitchSimulator } from "../src/twitch/index.js";
import type { TestClient } from "./twitch-client.js";
import {
  CLIENT_ID,
  CLIENT_SECRET,
  REFRESH,
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

async function validate(token: string | undefined, scheme = "OAuth") {
  const res = await fetch(`${sim!.authUrl}/validate`, {
    headers: token === undefined ? {} : { authorization: `${scheme} ${token}` },
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

async function refresh(params: Record<string, string>, where: "body" | "query" = "body") {
  const form = new URLSearchParams({
    grant_type: "refresh_token",
    client_id: CLIENT_ID,
    ...params,
  });
  const res = await fetch(`${sim!.authUrl}/token${where === "query" ? `?${form}` : ""}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    ...(where === "body" ? { body: form.toString() } : {}),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe("twitch simulator: tokens", () => {
  it("validates with OAuth or Bearer and answers the documented bodies", async () => {
    sim = await startSim();
    for (const scheme of ["OAuth", "Bearer"]) {
      const ok = await validate(TOKEN, scheme);
      expect(ok).toEqual({
        status: 200,
        json: {
          client_id: CLIENT_ID,
          login: STREAMER.login,
          scopes: expect.arrayContaining(["user:read:chat", "bits:read"]),
          user_id: STREAMER.id,
          expires_in: expect.any(Number),
        },
      });
    }
    expect(await validate("garbage")).toEqual({
      status: 401,
      json: { status: 401, message: "invalid access token" },
    });
    expect((await validate(undefined)).status).toBe(401);
  });

  it("refreshes from a form body or the query string, rotating the refresh token", async () => {
    sim = await startSim();
    const first = await refresh({ refresh_token: REFRESH, client_secret: CLIENT_SECRET });
    expect(first).toEqual({
      status: 200,
      json: {
        access_token: expect.stringMatching(/^[a-z0-9]{30}$/),
        refresh_token: expect.any(String),
        expires_in: expect.any(Number),
        scope: expect.any(Array),
        token_type: "bearer",
      },
    });
    expect(await refresh({ refresh_token: REFRESH, client_secret: CLIENT_SECRET })).toEqual({
      status: 400,
      json: { error: "Bad Request", status: 400, message: "Invalid refresh token" },
    });
    const next = String(first.json["refresh_token"]);
    const second = await refresh({ refresh_token: next, client_secret: CLIENT_SECRET }, "query");
    expect(second.status).toBe(200);
    expect((await validate(String(second.json["access_token"]))).status).toBe(200);
    expect((await validate(TOKEN)).status).toBe(200); // the old access token lives until it expires
    expect(
      (
        await refresh({
          refresh_token: String(second.json["refresh_token"]),
          client_secret: "wrong",
        })
      ).status,
    ).toBe(400);
  });

  it("expires a token: 401 on validate and Helix, but it can be refreshed and the session lives on", async () => {
    sim = await startSim({ subscribeDeadlineMs: 60_000 });
    const { client, sessionId } = await connect(sim);
    clients.push(client);
    await subscribe(sim, sessionId, "stream.online", "1");
    sim.expireToken(TOKEN);
    expect((await validate(TOKEN)).status).toBe(401);
    expect((await helix(sim, "/users")).status).toBe(401);
    const renewed = await refresh({ refresh_token: REFRESH, client_secret: CLIENT_SECRET });
    expect(
      (await helix(sim, "/users", { token: String(renewed.json["access_token"]) })).status,
    ).toBe(200);
    expect(sim.emit("stream.online")[0]!.delivered).toBe(true);
    expect(sim.subscriptions()[0]!.status).toBe("enabled");
  });

  it("revokes a token's whole grant: revocations for its subscriptions, and no refresh", async () => {
    sim = await startSim({ subscribeDeadlineMs: 60_000 });
    const { client, sessionId } = await connect(sim);
    clients.push(client);
    await subscribe(sim, sessionId, "stream.online", "1");
    await subscribe(sim, sessionId, "channel.cheer", "1");
    const sent = sim.revokeToken(TOKEN);
    expect(sent.map((s) => s.messageType)).toEqual(["revocation", "revocation"]);
    const revocation = await client.next("revocation");
    expect((revocation.payload["subscription"] as { status: string }).status).toBe(
      "authorization_revoked",
    );
    expect((await validate(TOKEN)).status).toBe(401);
    expect(
      (await refresh({ refresh_token: REFRESH, client_secret: CLIENT_SECRET })).json["message"],
    ).toBe("Invalid refresh token");
    expect(sim.subscriptions().map((s) => s.status)).toEqual([
      "authorization_revoked",
      "authorization_revoked",
    ]);
  });
});
