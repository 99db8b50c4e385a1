import { afterEach, describe, expect, it } from "vitest";
import { UsageError } from "../src/command.js";
import { twitchCommand, type TwitchSimulator } from "../src/twitch/index.js";
import {
  TestClient,
  TOKEN,
  CLIENT_ID,
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

/** Loosely typed control answers (each test reads the fields it asserts on). */
interface ControlAnswer {
  readonly [key: string]: unknown;
  readonly sent?: unknown[];
  readonly sessions?: unknown;
  readonly subscriptions?: unknown[];
  readonly reconnectUrls?: string[];
  readonly accessToken?: string;
}

async function control(path: string, body?: unknown, method = body === undefined ? "GET" : "POST") {
  const res = await fetch(`${sim!.url}/__sim/${path}`, {
    method,
    headers: { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: (await res.json()) as ControlAnswer };
}

describe("twitch simulator: control API and CLI", () => {
  it("drives emits, reconnects, revocations, closes and faults over HTTP", async () => {
    sim = await startSim({ subscribeDeadlineMs: 60_000 });
    const { client, sessionId } = await connect(sim);
    clients.push(client);
    await subscribe(sim, sessionId, "channel.raid", "1", { to_broadcaster_user_id: "12826" });
    const emitted = await control("emit", { type: "channel.raid", overrides: { viewers: 3 } });
    expect(emitted.json.sent).toHaveLength(1);
    expect((await client.next("notification")).payload["event"]).toMatchObject({ viewers: 3 });
    expect((await control("sessions")).json.sessions).toHaveLength(1);
    expect((await control("subscriptions")).json.subscriptions).toHaveLength(1);
    expect((await control("sent")).json.sent).toHaveLength(1);
    const reconnect = await control("reconnect", { sessionId });
    expect(reconnect.json.reconnectUrls).toHaveLength(1);
    await client.next("session_reconnect");
    expect(
      (await control("faults", { fault: { kind: "status", status: 500 }, endpoint: "users" }))
        .status,
    ).toBe(200);
    expect((await helix(sim, "/users")).status).toBe(500);
    expect(
      (await control("revoke", { type: "channel.raid", status: "user_removed" })).json.sent,
    ).toHaveLength(1);
    expect((await control("close", { code: 4000 })).json.sessions).toBe(1);
    expect((await client.closedWith()).code).toBe(4000);
  });

  it("manages users, clients and tokens, and answers 400/404/405 for bad requests", async () => {
    sim = await startSim();
    expect((await control("users", { id: "77", login: "new_one" })).json).toMatchObject({
      id: "77",
      login: "new_one",
    });
    expect((await control("clients", { clientId: "c2", clientSecret: "s2" })).status).toBe(200);
    const issued = await control("tokens", { userId: "77", clientId: "c2", scopes: ["bits:read"] });
    expect(issued.json.accessToken).toMatch(/^[a-z0-9]{30}$/);
    expect((await control("expire-token", { accessToken: issued.json.accessToken })).status).toBe(
      200,
    );
    expect((await control("revoke-token", { accessToken: TOKEN })).json.sent).toEqual([]);
    expect((await control("users", { id: "x", login: "bad" })).status).toBe(400);
    expect((await control("close", { code: "later" })).status).toBe(400);
    expect((await control("revoke", { status: "bored" })).status).toBe(400);
    expect((await control("faults", { fault: { kind: "explode" } })).status).toBe(400);
    expect((await control("nowhere")).status).toBe(404);
    expect((await control("emit")).status).toBe(405);
    const bad = await fetch(`${sim.url}/__sim/emit`, { method: "POST", body: "{" });
    expect(bad.status).toBe(400);
  });

  it("starts from CLI flags with a token for the first broadcaster and a generator", async () => {
    const running = await twitchCommand.start({
      client: `${CLIENT_ID}:secret`,
      broadcaster: ["12826:Cool_Streamer", "99:other"],
      token: `${TOKEN}:refreshtoken`,
      rate: "50",
      keepalive: "1",
    });
    try {
      const announcement = running.announcement as Record<string, string>;
      expect(announcement).toMatchObject({
        simulator: "twitch",
        eventsubUrl: expect.stringMatching(/^ws:\/\/127\.0\.0\.1:\d+\/ws$/),
        apiUrl: expect.stringMatching(/\/helix$/),
        authUrl: expect.stringMatching(/\/oauth2$/),
        clientId: CLIENT_ID,
        broadcasterIds: ["12826", "99"],
      });
      const fake = { apiUrl: announcement["apiUrl"] } as unknown as TwitchSimulator;
      const me = await helix(fake, "/users");
      expect(me.json.data[0]).toMatchObject({
        id: "12826",
        login: "cool_streamer",
        display_name: "Cool_Streamer",
      });
      const client = new TestClient(announcement["eventsubUrl"]!);
      clients.push(client);
      const welcome = await client.next("session_welcome");
      const sessionId = welcome.payload["session"] as {
        id: string;
        keepalive_timeout_seconds: number;
      };
      expect(sessionId.keepalive_timeout_seconds).toBe(1);
      await subscribe(fake, sessionId.id, "channel.chat.message", "1", {
        broadcaster_user_id: "12826",
        user_id: "12826",
      });
      await client.next("notification", 0, 3000);
    } finally {
      await running.close();
    }
  });

  it("rejects bad flags with a usage error", async () => {
    await expect(twitchCommand.start({ broadcaster: ["abc:x"] })).rejects.toThrow(UsageError);
    await expect(twitchCommand.start({ client: "nocolon" })).rejects.toThrow(/--client/);
    await expect(twitchCommand.start({ rate: "fast" })).rejects.toThrow(/--rate/);
  });
});
