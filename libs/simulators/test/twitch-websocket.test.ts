import { afterEach, describe, expect, it } from "vitest";
import type { TwitchSimulator } from "../src/twitch/index.js";
import { TestClient, connect, sleep, startSim, subscribe } from "./twitch-client.js";

let sim: TwitchSimulator | undefined;
const clients: TestClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await sim?.close();
  sim = undefined;
});

async function open(query = "", options: { autoPong?: boolean } = {}) {
  const client = new TestClient(`${sim!.eventsubUrl}${query}`, options);
  clients.push(client);
  await client.opened;
  return client;
}

const NANO_RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/;

describe("twitch simulator: WebSocket sessions", () => {
  it("sends session_welcome first, with the production shape", async () => {
    sim = await startSim();
    const client = await open();
    const welcome = await client.next("session_welcome");
    expect(client.messages[0]).toBe(welcome);
    expect(welcome.metadata).toEqual({
      message_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      message_type: "session_welcome",
      message_timestamp: expect.stringMatching(NANO_RFC3339),
    });
    expect(welcome.payload["session"]).toEqual({
      id: expect.stringMatching(/^AQoQ[\w-]+$/),
      status: "connected",
      connected_at: expect.stringMatching(NANO_RFC3339),
      keepalive_timeout_seconds: 1,
      reconnect_url: null,
    });
  });

  it("clamps keepalive_timeout_seconds into 10..600 by default and refuses a non-number", async () => {
    sim = await startSim({ keepaliveMinS: 10, keepaliveDefaultS: 10 });
    for (const [asked, got] of [
      ["3", 10],
      ["30", 30],
      ["9000", 600],
    ] as const) {
      const client = await open(`?keepalive_timeout_seconds=${asked}`);
      const welcome = await client.next("session_welcome");
      expect(
        (welcome.payload["session"] as Record<string, unknown>)["keepalive_timeout_seconds"],
      ).toBe(got);
    }
    await expect(open("?keepalive_timeout_seconds=soon")).rejects.toThrow(/400/);
    await expect(new TestClient(`${sim.url.replace("http", "ws")}/other`).opened).rejects.toThrow(
      /404/,
    );
  });

  it("sends a keepalive only after a quiet keepalive period; notifications restart the timer", async () => {
    sim = await startSim({ subscribeDeadlineMs: 60_000 });
    const { client, sessionId } = await connect(sim);
    clients.push(client);
    await subscribe(sim, sessionId, "stream.online", "1");
    for (let i = 0; i < 6; i++) {
      sim.emit("stream.online");
      await sleep(300);
    }
    expect(client.of("session_keepalive")).toHaveLength(0);
    await client.next("session_keepalive", 0, 2000);
    const first = client.messages.findIndex((m) => m.metadata.message_type === "session_keepalive");
    const at = (i: number) => Date.parse(client.messages[i]!.metadata.message_timestamp);
    expect(at(first) - at(first - 1)).toBeGreaterThanOrEqual(950);
  });

  it("closes 4003 when no subscription is created before the deadline, and not otherwise", async () => {
    sim = await startSim({ subscribeDeadlineMs: 300 });
    const idle = await open();
    const busy = await connect(sim);
    clients.push(busy.client);
    await subscribe(sim, busy.sessionId, "stream.offline", "1");
    expect(await idle.closedWith()).toEqual({
      code: 4003,
      reason: "Connection unused, you have to create a subscription within 10 seconds",
    });
    await sleep(400);
    expect(busy.client.closed).toBeUndefined();
  });

  it("closes 4001 on any data frame from the client", async () => {
    sim = await startSim({ subscribeDeadlineMs: 60_000 });
    const client = await open();
    await client.next("session_welcome");
    client.socket.send("hello?");
    expect(await client.closedWith()).toEqual({
      code: 4001,
      reason: "Client sent inbound traffic",
    });
  });

  it("pings and closes 4002 when no pong comes back", async () => {
    sim = await startSim({ pingIntervalMs: 150, subscribeDeadlineMs: 60_000 });
    const polite = await open();
    const rude = await open("", { autoPong: false });
    expect((await rude.closedWith()).code).toBe(4002);
    expect(polite.closed).toBeUndefined();
  });

  it("closes with any code on demand and disables the session's subscriptions with the matching status", async () => {
    sim = await startSim();
    const expected: Record<number, string> = {
      4000: "websocket_internal_error",
      4004: "websocket_failed_to_reconnect",
      4005: "websocket_network_timeout",
      4006: "websocket_network_error",
    };
    for (const [code, status] of Object.entries(expected)) {
      const { client, sessionId } = await connect(sim);
      clients.push(client);
      const created = await subscribe(sim, sessionId, "channel.update", "2");
      const id = created.json.data[0]!["id"];
      sim.closeSessions(Number(code), { sessionId });
      expect((await client.closedWith()).code).toBe(Number(code));
      const sub = sim.subscriptions().find((s) => s.id === id)!;
      expect(sub.status).toBe(status);
      expect(sub.transport.disconnected_at).toMatch(NANO_RFC3339);
    }
  });

  it("resets the TCP connection without a close frame on drop", async () => {
    sim = await startSim();
    const { client, sessionId } = await connect(sim);
    clients.push(client);
    await subscribe(sim, sessionId, "stream.online", "1");
    sim.closeSessions("drop");
    expect((await client.closedWith()).code).toBe(1006);
    expect(sim.subscriptions()[0]!.status).toBe("websocket_network_error");
    expect(sim.sessions()[0]).toMatchObject({ closeCode: "drop", closedBy: "server" });
  });

  it("goes silent when stalled: no keepalive, no ping, no notification", async () => {
    sim = await startSim({ pingIntervalMs: 100, subscribeDeadlineMs: 60_000 });
    const { client, sessionId } = await connect(sim);
    clients.push(client);
    await subscribe(sim, sessionId, "stream.online", "1");
    let pings = 0;
    client.socket.on("ping", () => (pings += 1));
    sim.stall();
    const count = client.messages.length;
    const sent = sim.emit("stream.online");
    expect(sent[0]!.delivered).toBe(false);
    const before = pings;
    await sleep(1500);
    expect(client.messages).toHaveLength(count);
    expect(pings).toBe(before);
    expect(client.closed).toBeUndefined();
    sim.stall({}, false);
    await client.next("session_keepalive", count, 2000);
  });

  it("records the welcome's session when the client closes normally", async () => {
    sim = await startSim();
    const { client, sessionId } = await connect(sim);
    await subscribe(sim, sessionId, "stream.online", "1");
    client.close();
    await client.closedWith();
    await sleep(50);
    expect(sim.subscriptions()[0]!.status).toBe("websocket_disconnected");
    expect(sim.sessions()[0]).toMatchObject({
      sessionId,
      status: "closed",
      closeCode: 1000,
      closedBy: "client",
    });
  });
});
