import { EVENTS_STREAM } from "@castbus/events";
import { countStream, readStream, waitFor } from "@castbus/testing";
import { afterEach, describe, expect, it } from "vitest";
import {
  enabledSubscriptions,
  eventsOnStream,
  outcomeCount,
  startStack,
  upstreamCheck,
  type Stack,
} from "./harness.js";

let stack: Stack | undefined;

afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

const posts = (s: Stack) =>
  s.sim.requests.filter((r) => r.endpoint === "eventsub" && r.method === "POST");

describe("EventSub session life cycle", () => {
  it("follows a session_reconnect mid-stream without losing or duplicating a notification, and without resubscribing", async () => {
    // overlapDelivery: the old socket keeps getting every message after the hand-off, as
    // production may do; the ingester must publish each message once.
    stack = await startStack({ sim: { overlapDelivery: true, reconnectGraceMs: 5000 } });
    const ingester = await stack.ingester();
    await enabledSubscriptions(stack.sim, 11);
    const { sim } = stack;
    const sent: string[] = [];
    const emitSome = (n: number) => {
      for (let i = 0; i < n; i++) {
        for (const s of sim.emit(i % 2 === 0 ? "channel.chat.message" : "channel.follow")) {
          sent.push(s.messageId);
        }
      }
    };
    emitSome(20);
    const urls = sim.reconnect();
    expect(urls).toHaveLength(1);
    emitSome(20); // still the old socket: no welcome on the new one yet
    await waitFor(() => sim.sessions().length === 2 && sim.sessions()[1]!.status === "connected");
    emitSome(20); // new socket (and, overlapping, the old one until the ingester closes it)
    await waitFor(() => sim.sessions()[0]!.status === "closed", { message: "old socket closed" });
    emitSome(20);
    const stored = await eventsOnStream(stack, sent.length);
    await new Promise((r) => setTimeout(r, 300));
    expect(await countStream(stack.nc, EVENTS_STREAM, "events.twitch.>")).toBe(sent.length);
    expect(stored.map((m) => m.json()["id"])).toEqual(sent.map((id) => `twitch:${id}`));
    const [old, next] = sim.sessions();
    expect(next).toMatchObject({ replaces: old!.connection, sessionId: old!.sessionId });
    expect(old).toMatchObject({ closeCode: 1000, closedBy: "client" });
    expect(posts(stack)).toHaveLength(11);
    expect(await outcomeCount(ingester.port, "session_reconnect")).toBe(1);
    expect((await upstreamCheck(ingester.port))?.ok).toBe(true);
  });

  it("reconnects and resubscribes when keepalives stop (silent stall)", async () => {
    stack = await startStack();
    const ingester = await stack.ingester();
    await enabledSubscriptions(stack.sim, 11);
    stack.sim.stall();
    await waitFor(() => stack!.sim.sessions().length === 2, { timeoutMs: 8000 });
    await enabledSubscriptions(stack.sim, 11);
    expect(posts(stack)).toHaveLength(22);
    expect(await outcomeCount(ingester.port, "keepalive_timeout")).toBe(1);
    expect(stack.logs.find(/session lost/)[0]).toMatchObject({ outcome: "keepalive_timeout" });
    stack.sim.emit("stream.online");
    await eventsOnStream(stack, 1);
    await waitFor(async () => (await upstreamCheck(ingester.port))?.ok === true);
  });

  it("recovers from 4003 (no subscription in time) by reconnecting and subscribing, and shows it", async () => {
    stack = await startStack();
    // Every create request of the first session hangs past the 1 s subscribe deadline.
    stack.sim.inject(
      { kind: "hang", ms: 1500 },
      { endpoint: "eventsub", method: "POST", times: 11 },
    );
    // A 1 s reconnect delay keeps the not-ready window long enough to observe.
    const ingester = await stack.ingester({ TWITCH_RECONNECT_BACKOFF_MS: "1000" });
    await waitFor(() => stack!.sim.sessions()[0]?.closeCode === 4003, { message: "4003" });
    const reason = await waitFor(async () => (await upstreamCheck(ingester.port))?.reason);
    expect(reason).toMatch(/close_4003/);
    await enabledSubscriptions(stack.sim, 11);
    await waitFor(async () => (await upstreamCheck(ingester.port))?.ok === true);
    expect(await outcomeCount(ingester.port, "close_4003")).toBe(1);
    const lost = stack.logs.find(/session lost/)[0];
    expect(lost).toMatchObject({ outcome: "close_4003" });
    expect(String(lost?.["hint"])).toMatch(/no subscription was created/);
    stack.sim.emit("channel.cheer");
    await eventsOnStream(stack, 1);
  });

  it("handles close codes 4000, 4005, 4006, 4007 and a TCP reset by starting a fresh session", async () => {
    stack = await startStack();
    const ingester = await stack.ingester();
    await enabledSubscriptions(stack.sim, 11);
    const codes = [4000, 4005, 4006, 4007, "drop"] as const;
    for (const [index, code] of codes.entries()) {
      stack.sim.closeSessions(code);
      await waitFor(() => stack!.sim.sessions().length === index + 2);
      await enabledSubscriptions(stack.sim, 11);
    }
    for (const code of [4000, 4005, 4006, 4007]) {
      expect(await outcomeCount(ingester.port, `close_${code}`)).toBe(1);
    }
    expect(await outcomeCount(ingester.port, "close_1006")).toBe(1);
    stack.sim.emit("channel.update");
    await eventsOnStream(stack, 1);
  });

  it("marks a revoked subscription in readiness, metrics and logs, and keeps the others flowing", async () => {
    stack = await startStack();
    const ingester = await stack.ingester();
    await enabledSubscriptions(stack.sim, 11);
    await waitFor(async () => (await upstreamCheck(ingester.port))?.ok === true);
    stack.sim.revoke({ type: "channel.follow", status: "moderator_removed" });
    const reason = await waitFor(async () => (await upstreamCheck(ingester.port))?.reason);
    expect(reason).toBe("subscription revoked: channel.follow (moderator_removed)");
    expect(await outcomeCount(ingester.port, "revocation")).toBe(1);
    expect(stack.logs.find(/revoked a subscription/)[0]).toMatchObject({
      type: "channel.follow",
      status: "moderator_removed",
    });
    expect(stack.sim.emit("channel.follow")).toEqual([]); // Twitch sends nothing more for it
    stack.sim.emit("channel.raid");
    const [raid] = await eventsOnStream(stack, 1);
    expect(raid!.subject).toBe("events.twitch.raid");
    expect(await readStream(stack.nc, EVENTS_STREAM, "events.twitch.follow")).toEqual([]);
  });

  it("retries a subscription Helix failed with 5xx on the same session until it is created", async () => {
    stack = await startStack();
    stack.sim.inject(
      { kind: "status", status: 503 },
      { endpoint: "eventsub", method: "POST", times: 2 },
    );
    const ingester = await stack.ingester();
    const reason = await waitFor(
      async () =>
        (await upstreamCheck(ingester.port))?.reason?.startsWith("subscription failed") &&
        (await upstreamCheck(ingester.port))?.reason,
    );
    expect(reason).toMatch(/answered HTTP 503/);
    await enabledSubscriptions(stack.sim, 11, 5000);
    await waitFor(async () => (await upstreamCheck(ingester.port))?.ok === true);
    expect(stack.sim.sessions()).toHaveLength(1);
    expect(await outcomeCount(ingester.port, "helix_503")).toBe(2);
    expect(stack.logs.find(/creating the subscription failed; retrying later/)).toHaveLength(2);
  });
});
