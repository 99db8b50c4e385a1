import { waitFor } from "@castbus/testing";
import { afterEach, describe, expect, it } from "vitest";
import {
  BROADCASTER,
  OTHER,
  enabledSubscriptions,
  eventsOnStream,
  startStack,
  upstreamCheck,
  type Stack,
} from "./harness.js";

let stack: Stack | undefined;

afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

describe("several broadcasters", () => {
  it("share one WebSocket session; a channel that is not the token's gets the types the token may read", async () => {
    stack = await startStack();
    const ingester = await stack.ingester({ TWITCH_BROADCASTER_LOGIN: OTHER.login });
    const enabled = await enabledSubscriptions(stack.sim, 17);
    expect(stack.sim.sessions()).toHaveLength(1);
    expect(new Set(enabled.map((s) => s.transport.session_id)).size).toBe(1);
    const foreign = enabled.filter((s) => Object.values(s.condition).includes(OTHER.id));
    expect(foreign.map((s) => s.type).sort()).toEqual([
      "channel.chat.message",
      "channel.follow",
      "channel.raid",
      "channel.update",
      "stream.offline",
      "stream.online",
    ]);
    expect(foreign.find((s) => s.type === "channel.chat.message")?.condition).toEqual({
      broadcaster_user_id: OTHER.id,
      user_id: BROADCASTER.id,
    });
    expect(foreign.reduce((sum, s) => sum + s.cost, 0)).toBe(4);
    await waitFor(async () => (await upstreamCheck(ingester.port, OTHER.id))?.ok === true);
    expect((await upstreamCheck(ingester.port, BROADCASTER.id))?.ok).toBe(true);
    stack.sim.emit("channel.chat.message", {}, { broadcasterId: OTHER.id });
    stack.sim.emit("channel.chat.message", {}, { broadcasterId: BROADCASTER.id });
    const stored = await eventsOnStream(stack, 2);
    expect(stored.map((m) => m.json()["source"])).toEqual([
      `twitch/${OTHER.id}`,
      `twitch/${BROADCASTER.id}`,
    ]);
    const skipped = stack.logs
      .find(/not subscribing to this type/)
      .filter((l) => l["broadcasterId"] === OTHER.id);
    expect(skipped).toHaveLength(5);
    expect(String(skipped[0]!["reason"])).toMatch(/needs a token of the broadcaster/);
  });

  it("resubscribes every broadcaster after a drop", async () => {
    stack = await startStack();
    await stack.ingester({ TWITCH_BROADCASTER_ID: `${BROADCASTER.id},${OTHER.id}` });
    await enabledSubscriptions(stack.sim, 17);
    stack.sim.closeSessions(4005);
    await waitFor(() => stack!.sim.sessions().length === 2);
    const enabled = await enabledSubscriptions(stack.sim, 17);
    expect(new Set(enabled.map((s) => s.transport.session_id))).toEqual(
      new Set([stack.sim.sessions()[1]!.sessionId]),
    );
  });

  it("reports Twitch's cost cap per broadcaster when foreign channels need more than 10", async () => {
    stack = await startStack();
    const channels = ["100", "101", "102"];
    for (const id of channels) stack.sim.addUser({ id, login: `channel_${id}` });
    const ingester = await stack.ingester({ TWITCH_BROADCASTER_ID: channels.join(",") });
    await waitFor(() => stack!.logs.find(/max_total_cost per token/).length === 1);
    const reasons = await waitFor(async () => {
      const checks = await Promise.all(channels.map((id) => upstreamCheck(ingester.port, id)));
      const failed = checks.filter((c) => c?.reason?.startsWith("subscription failed"));
      return failed.length > 0 && failed.map((c) => c!.reason);
    });
    expect(reasons.join()).toMatch(/429 "subscription cost exceeds max_total_cost"/);
    const enabled = stack.sim.subscriptions().filter((s) => s.status === "enabled");
    expect(enabled.reduce((sum, s) => sum + s.cost, 0)).toBe(10);
    // The cost 429 first looked for stale subscriptions to delete (GET), then tried again.
    expect(stack.sim.requests.some((r) => r.endpoint === "eventsub" && r.method === "GET")).toBe(
      true,
    );
  });
});
