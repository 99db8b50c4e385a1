import { Kvm } from "@nats-io/kv";
import { EVENTS_STREAM } from "@castbus/events";
import { countStream, findSecret, waitFor } from "@castbus/testing";
import { afterEach, describe, expect, it } from "vitest";
import {
  ACCESS_TOKEN,
  CLIENT_ID,
  CLIENT_SECRET,
  REFRESH_TOKEN,
  enabledSubscriptions,
  eventsOnStream,
  getLocal,
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

describe("Twitch tokens", () => {
  it("keeps refreshed tokens in TWITCH_TOKEN_KV, so a restart works after Twitch rotated the refresh token", async () => {
    stack = await startStack();
    const first = await stack.ingester({
      TWITCH_TOKEN_KV: "twitch_tokens",
      TWITCH_VALIDATE_INTERVAL_S: "1",
    });
    await enabledSubscriptions(stack.sim, 11);
    stack.sim.expireToken(ACCESS_TOKEN);
    await waitFor(async () => (await outcomeCount(first.port, "token_refreshed")) === 1, {
      timeoutMs: 5000,
    });
    const kv = await new Kvm(stack.nc).open("twitch_tokens");
    const stored = await waitFor(async () =>
      (await kv.get(CLIENT_ID))?.json<Record<string, string>>(),
    );
    expect(stored["access"]).toBe(stack.refreshed[0]);
    expect(stored["origin"]).not.toContain(REFRESH_TOKEN);
    await first.stop();
    // The configured tokens are dead now (the access token expired, the refresh token rotated)...
    const restarted = await stack.ingester({ TWITCH_TOKEN_KV: "twitch_tokens" });
    await waitFor(async () => (await upstreamCheck(restarted.port))?.ok === true, {
      timeoutMs: 10_000,
      message: "ready with the stored tokens",
    });
    expect(await outcomeCount(restarted.port, "token_refresh_failed")).toBe(0);
    expect(stack.logs.find("using the Twitch tokens refreshed by an earlier run")).toHaveLength(1);
    expect(findSecret(stack.logs.lines, stored["access"]!)).toEqual([]);
  });

  it("refreshes an expired token without losing the session", async () => {
    stack = await startStack();
    const ingester = await stack.ingester({ TWITCH_VALIDATE_INTERVAL_S: "1" });
    await enabledSubscriptions(stack.sim, 11);
    stack.sim.emit("channel.follow");
    await eventsOnStream(stack, 1);
    stack.sim.expireToken(ACCESS_TOKEN);
    await waitFor(async () => (await outcomeCount(ingester.port, "token_refreshed")) === 1, {
      timeoutMs: 5000,
      message: "refreshed",
    });
    expect(await outcomeCount(ingester.port, "token_invalid")).toBe(1);
    // The new token works for Helix too: a fresh session subscribes with it.
    stack.sim.closeSessions(4000);
    await waitFor(() => stack!.sim.sessions().length === 2);
    await enabledSubscriptions(stack.sim, 11);
    stack.sim.emit("channel.follow");
    await eventsOnStream(stack, 2);
    expect(stack.sim.sessions()[0]).toMatchObject({ closeCode: 4000 }); // the injected close only
    expect((await upstreamCheck(ingester.port))?.ok).toBe(true);
    expect(stack.refreshed).toHaveLength(2);
  });

  it("keeps the session across the refresh (no reconnect, events keep flowing)", async () => {
    stack = await startStack();
    const ingester = await stack.ingester({ TWITCH_VALIDATE_INTERVAL_S: "1" });
    await enabledSubscriptions(stack.sim, 11);
    stack.sim.expireToken(ACCESS_TOKEN);
    stack.sim.emit("channel.cheer");
    await waitFor(async () => (await outcomeCount(ingester.port, "token_refreshed")) === 1, {
      timeoutMs: 5000,
    });
    stack.sim.emit("channel.cheer");
    await eventsOnStream(stack, 2);
    expect(stack.sim.sessions()).toHaveLength(1);
    expect(stack.sim.sessions()[0]!.status).toBe("connected");
  });

  it("refreshes on a Helix 401 while subscribing", async () => {
    stack = await startStack();
    stack.sim.expireToken(ACCESS_TOKEN);
    // Validation at start refreshes already; make the first create see a 401 as well.
    stack.sim.inject(
      { kind: "status", status: 401, message: "Invalid OAuth token" },
      {
        endpoint: "eventsub",
        method: "POST",
      },
    );
    const ingester = await stack.ingester();
    await enabledSubscriptions(stack.sim, 11);
    expect(await outcomeCount(ingester.port, "helix_401")).toBe(1);
    expect(await outcomeCount(ingester.port, "token_refreshed")).toBeGreaterThanOrEqual(1);
  });

  it("fails readiness clearly and stops when the token is revoked", async () => {
    stack = await startStack();
    const ingester = await stack.ingester();
    await enabledSubscriptions(stack.sim, 11);
    await waitFor(async () => (await upstreamCheck(ingester.port))?.ok === true);
    stack.sim.revokeToken(ACCESS_TOKEN);
    const reason = await waitFor(async () => {
      const check = await upstreamCheck(ingester.port);
      return check?.ok === false && check.reason?.startsWith("auth:") && check.reason;
    });
    expect(reason).toMatch(
      /refreshing the access token failed: Twitch answered 400 "Invalid refresh token"/,
    );
    expect((await getLocal(ingester.port, "/readyz")).status).toBe(503);
    expect(await outcomeCount(ingester.port, "revocation")).toBe(11);
    expect(await outcomeCount(ingester.port, "token_refresh_failed")).toBe(1);
    expect(stack.logs.find(/upstream refused us/)).toHaveLength(1);
    await waitFor(() => stack!.sim.sessions()[0]!.status === "closed", {
      message: "socket closed",
    });
    const requests = stack.sim.requests.length;
    await new Promise((r) => setTimeout(r, 1200));
    expect(stack.sim.requests.length).toBe(requests);
    expect(stack.sim.sessions()).toHaveLength(1);
  });

  it("without refresh credentials an expired token fails readiness with what to configure", async () => {
    stack = await startStack();
    stack.sim.expireToken(ACCESS_TOKEN);
    const ingester = await stack.ingester({ TWITCH_REFRESH_TOKEN: "", TWITCH_CLIENT_SECRET: "" });
    const reason = await waitFor(async () => {
      const check = await upstreamCheck(ingester.port);
      return check?.reason?.startsWith("auth:") && check.reason;
    });
    expect(reason).toMatch(/TWITCH_REFRESH_TOKEN/);
    expect(stack.sim.sessions()).toHaveLength(0);
  });

  it("reports each type the token lacks a scope for and runs the rest", async () => {
    stack = await startStack({ scopes: ["user:read:chat", "bits:read"] });
    const ingester = await stack.ingester();
    const enabled = await enabledSubscriptions(stack.sim, 6);
    expect(enabled.map((s) => s.type).sort()).toEqual([
      "channel.chat.message",
      "channel.cheer",
      "channel.raid",
      "channel.update",
      "stream.offline",
      "stream.online",
    ]);
    const skipped = stack.logs.find(/not subscribing to this type/);
    expect(skipped.map((l) => l["type"]).sort()).toEqual([
      "channel.channel_points_custom_reward_redemption.add",
      "channel.follow",
      "channel.subscribe",
      "channel.subscription.gift",
      "channel.subscription.message",
    ]);
    expect(skipped.find((l) => l["type"] === "channel.follow")?.["reason"]).toBe(
      "the token lacks the scope moderator:read:followers",
    );
    await waitFor(async () => (await upstreamCheck(ingester.port))?.ok === true);
    stack.sim.emit("channel.cheer");
    await eventsOnStream(stack, 1);
  });

  it("never writes a token or the client secret into a log line or metric", async () => {
    stack = await startStack();
    const ingester = await stack.ingester({ TWITCH_VALIDATE_INTERVAL_S: "1" });
    await enabledSubscriptions(stack.sim, 11);
    stack.sim.expireToken(ACCESS_TOKEN);
    stack.sim.inject(
      { kind: "status", status: 503, message: `oops ${ACCESS_TOKEN}` },
      {
        endpoint: "validate",
      },
    );
    await waitFor(async () => (await outcomeCount(ingester.port, "token_refreshed")) === 1, {
      timeoutMs: 6000,
    });
    stack.sim.closeSessions(4006);
    await waitFor(() => stack!.sim.sessions().length === 2);
    await enabledSubscriptions(stack.sim, 11);
    stack.sim.emit("channel.chat.message");
    await waitFor(
      async () => (await countStream(stack!.nc, EVENTS_STREAM, "events.twitch.>")) === 1,
    );
    const metrics = await getLocal(ingester.port, "/metrics");
    const ready = await getLocal(ingester.port, "/readyz");
    const texts = [...stack.logs.lines, metrics.text, ready.text];
    expect(stack.refreshed.length).toBeGreaterThan(0);
    for (const secret of [ACCESS_TOKEN, REFRESH_TOKEN, CLIENT_SECRET, ...stack.refreshed]) {
      expect(findSecret(texts, secret)).toEqual([]);
    }
    // The 503 body echoed the token: the logger's last line of defence scrubbed it.
    expect(stack.logs.lines.some((l) => l.includes("oops <redacted>"))).toBe(true);
    expect(stack.logs.find(/session lost/)[0]).toMatchObject({ outcome: "close_4006" });
  });
});
