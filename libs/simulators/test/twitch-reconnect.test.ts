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

/** A client with one subscription, then a session_reconnect; returns the reconnect URL. */
async function reconnecting(options: Parameters<typeof startSim>[0] = {}) {
  sim = await startSim({ subscribeDeadlineMs: 60_000, ...options });
  const { client, sessionId } = await connect(sim);
  clients.push(client);
  const created = await subscribe(sim, sessionId, "channel.cheer", "1");
  const [url] = sim.reconnect();
  const message = await client.next("session_reconnect");
  return {
    client,
    sessionId,
    url: url!,
    message,
    subscriptionId: String(created.json.data[0]!["id"]),
  };
}

describe("twitch simulator: session_reconnect hand-off", () => {
  it("announces a reconnect_url and keeps delivering on the old socket until the new welcome", async () => {
    const { client, sessionId, url, message } = await reconnecting();
    expect(message.payload["session"]).toEqual({
      id: sessionId,
      status: "reconnecting",
      keepalive_timeout_seconds: null,
      reconnect_url: url,
      connected_at: expect.any(String),
    });
    expect(url).toMatch(/\/ws\?challenge=[0-9a-f-]{36}&id=/);
    const [before] = sim!.emit("channel.cheer");
    expect(before!.delivered).toBe(true);
    await client.next("notification");
    const next = new TestClient(url);
    clients.push(next);
    const welcome = await next.next("session_welcome");
    expect(welcome.payload["session"]).toMatchObject({
      id: sessionId,
      status: "connected",
      keepalive_timeout_seconds: 1,
    });
    const count = client.messages.length;
    sim!.emit("channel.cheer");
    await next.next("notification");
    await sleep(50);
    expect(
      client.messages.slice(count).filter((m) => m.metadata.message_type === "notification"),
    ).toEqual([]);
  });

  it("carries the subscriptions over: a re-POST on the new session gets 409", async () => {
    const { url, sessionId, subscriptionId } = await reconnecting();
    const next = new TestClient(url);
    clients.push(next);
    expect(await next.sessionId()).toBe(sessionId);
    const again = await subscribe(sim!, sessionId, "channel.cheer", "1");
    expect(again.status).toBe(409);
    expect(again.json.message).toBe("subscription already exists");
    expect(sim!.subscriptions().find((s) => s.id === subscriptionId)?.status).toBe("enabled");
  });

  it("can give the new connection a new session id and move the subscriptions to it", async () => {
    const { url, sessionId, subscriptionId } = await reconnecting({
      reconnectKeepsSessionId: false,
    });
    const next = new TestClient(url);
    clients.push(next);
    const newId = await next.sessionId();
    expect(newId).not.toBe(sessionId);
    expect(sim!.subscriptions().find((s) => s.id === subscriptionId)?.transport.session_id).toBe(
      newId,
    );
    const stale = await subscribe(sim!, sessionId, "channel.raid", "1", {
      to_broadcaster_user_id: "12826",
    });
    expect(stale.status).toBe(400);
  });

  it("closes the old socket with 4004 when the client never moves, failing its subscriptions", async () => {
    const { client, subscriptionId } = await reconnecting({ reconnectGraceMs: 200 });
    expect((await client.closedWith()).code).toBe(4004);
    expect(sim!.subscriptions().find((s) => s.id === subscriptionId)?.status).toBe(
      "websocket_failed_to_reconnect",
    );
  });

  it("closes the old socket with 4004 when the client moved but kept it open; the subscriptions stay", async () => {
    const { client, url, subscriptionId } = await reconnecting({ reconnectGraceMs: 300 });
    const next = new TestClient(url);
    clients.push(next);
    await next.next("session_welcome");
    expect((await client.closedWith()).code).toBe(4004);
    expect(sim!.subscriptions().find((s) => s.id === subscriptionId)?.status).toBe("enabled");
  });

  it("answers 4007 to an unknown reconnect URL and to one whose old socket closed before the new welcome", async () => {
    const { client, url } = await reconnecting();
    const bogus = new TestClient(url.replace(/challenge=[^&]+/, "challenge=nope"));
    clients.push(bogus);
    expect(await bogus.closedWith()).toEqual({ code: 4007, reason: "Invalid reconnect" });
    expect(bogus.of("session_welcome")).toEqual([]);
    client.close();
    await client.closedWith();
    await sleep(20);
    const late = new TestClient(url);
    clients.push(late);
    expect((await late.closedWith()).code).toBe(4007);
    expect(sim!.subscriptions()[0]!.status).toBe("websocket_disconnected");
  });

  it("delivers to both sockets during the overlap when overlapDelivery is on", async () => {
    const { client, url } = await reconnecting({ overlapDelivery: true });
    const next = new TestClient(url);
    clients.push(next);
    await next.next("session_welcome");
    const [sent] = sim!.emit("channel.cheer");
    const onOld = await client.next("notification");
    const onNew = await next.next("notification");
    expect(onOld.metadata.message_id).toBe(sent!.messageId);
    expect(onNew.metadata.message_id).toBe(sent!.messageId);
    expect(sim!.sessions()[1]).toMatchObject({ replaces: sim!.sessions()[0]!.connection });
  });
});
