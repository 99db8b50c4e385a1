import { DEAD_LETTERS_STREAM, validateEvent } from "@castbus/events";
import { TWITCH_SUBSCRIPTION_TYPES } from "@castbus/simulators/twitch";
import { readStream, waitFor } from "@castbus/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SUBSCRIPTIONS, isSubscriptionType } from "../src/upstream.js";
import {
  BROADCASTER,
  enabledSubscriptions,
  eventsOnStream,
  getLocal,
  outcomeCount,
  startStack,
  upstreamCheck,
  type Stack,
} from "./harness.js";

let stack: Stack;

beforeEach(async () => {
  stack = await startStack();
});
afterEach(async () => {
  await stack.stop();
});

/** The event's own timestamp field for the types that have one. */
const OWN_TIME: Record<string, string> = {
  "channel.follow": "followed_at",
  "channel.channel_points_custom_reward_redemption.add": "redeemed_at",
  "stream.online": "started_at",
};

describe("ingester-twitch", () => {
  it("publishes all 11 subscription types as valid twitch.* envelopes on their own subjects", async () => {
    const ingester = await stack.ingester();
    await enabledSubscriptions(stack.sim, 11);
    await waitFor(async () => (await upstreamCheck(ingester.port))?.ok === true, {
      message: "ready",
    });
    const sent = TWITCH_SUBSCRIPTION_TYPES.map((type) => stack.sim.emit(type)[0]!);
    const stored = await eventsOnStream(stack, 11);
    expect(stored).toHaveLength(11);
    for (const [index, wire] of sent.entries()) {
      const message = stored[index]!;
      const subscriptionType = wire.subscriptionType;
      if (!isSubscriptionType(subscriptionType)) throw new Error(subscriptionType);
      const type = SUBSCRIPTIONS[subscriptionType].eventType;
      expect(message.subject).toBe(`events.${type}`);
      const validation = validateEvent(message.json());
      expect(validation.ok, JSON.stringify(validation)).toBe(true);
      const envelope = message.json<Record<string, unknown>>();
      expect(envelope).toMatchObject({
        specversion: "1.0",
        id: `twitch:${wire.messageId}`,
        source: `twitch/${BROADCASTER.id}`,
        type,
        datacontenttype: "application/json",
      });
      expect(message.headers["Nats-Msg-Id"]).toBe(envelope["id"]);
      const event = wire.message.payload["event"] as Record<string, string>;
      const ownTime = OWN_TIME[subscriptionType];
      const expected =
        ownTime === undefined ? wire.message.metadata.message_timestamp : event[ownTime];
      expect(envelope["time"]).toBe(expected);
    }
  });

  it("normalizes chat (roles from badges, reply, cheer bits), anonymous gifts and cheers, raids and redemptions", async () => {
    await stack.ingester();
    await enabledSubscriptions(stack.sim, 11);
    const { sim } = stack;
    sim.emit("channel.chat.message", {
      chatter_user_id: "777",
      chatter_user_login: "mod_mia",
      chatter_user_name: "Mod_Mia",
      message: {
        text: "Cheer100 hi Kappa",
        fragments: [
          {
            type: "cheermote",
            text: "Cheer100",
            cheermote: { prefix: "cheer", bits: 100, tier: 100 },
            emote: null,
            mention: null,
          },
          { type: "text", text: " hi ", cheermote: null, emote: null, mention: null },
          {
            type: "emote",
            text: "Kappa",
            cheermote: null,
            emote: { id: "25", emote_set_id: "0", owner_id: "0", format: ["static"] },
            mention: null,
          },
        ],
      },
      badges: [
        { set_id: "moderator", id: "1", info: "" },
        { set_id: "founder", id: "0", info: "3" },
      ],
      color: "",
      cheer: { bits: 100 },
      reply: {
        parent_message_id: "p-1",
        parent_message_body: "hello",
        parent_user_id: "888",
        parent_user_login: "viewer_v",
        parent_user_name: "Viewer_V",
        thread_message_id: "p-1",
        thread_user_id: "888",
        thread_user_login: "viewer_v",
        thread_user_name: "Viewer_V",
      },
    });
    sim.emit("channel.subscription.gift", {
      user_id: null,
      user_login: null,
      user_name: null,
      is_anonymous: true,
      cumulative_total: null,
      total: 5,
    });
    sim.emit("channel.cheer", {
      is_anonymous: true,
      user_id: null,
      user_login: null,
      user_name: null,
      bits: 500,
      message: "Cheer500 gg",
    });
    sim.emit("channel.raid", { viewers: 42 });
    sim.emit("channel.channel_points_custom_reward_redemption.add", {
      user_input: "play despacito",
    });
    const [chat, gift, cheer, raid, points] = (await eventsOnStream(stack, 5)).map(
      (m) => m.json<{ data: Record<string, unknown> }>().data,
    );
    expect(chat).toMatchObject({
      text: "Cheer100 hi Kappa",
      bits: 100,
      broadcaster: { id: BROADCASTER.id, username: BROADCASTER.login },
      user: {
        id: "777",
        username: "mod_mia",
        displayName: "Mod_Mia",
        roles: ["moderator", "founder", "subscriber"],
        isModerator: true,
        isSubscriber: true,
        isVip: false,
        isBroadcaster: false,
      },
      reply: { parentMessageId: "p-1", parentText: "hello", parentUser: { username: "viewer_v" } },
    });
    expect((chat as { user: object }).user).not.toHaveProperty("color");
    expect((chat as { fragments: unknown[] }).fragments[2]).toMatchObject({
      type: "emote",
      emote: { id: "25", setId: "0" },
    });
    expect(gift).toMatchObject({ isAnonymous: true, total: 5 });
    expect(gift).not.toHaveProperty("user");
    expect(gift).not.toHaveProperty("cumulativeTotal");
    expect(cheer).toMatchObject({ isAnonymous: true, bits: 500, text: "Cheer500 gg" });
    expect(raid).toMatchObject({ viewers: 42, broadcaster: { id: BROADCASTER.id } });
    expect((raid as { user: { id: string } }).user.id).not.toBe(BROADCASTER.id);
    expect(points).toMatchObject({ text: "play despacito", status: "unfulfilled" });
  });

  it("dead-letters unknown notification types, malformed frames and revocations with the raw frame, and keeps going", async () => {
    const ingester = await stack.ingester();
    await enabledSubscriptions(stack.sim, 11);
    const [follow] = stack.sim.emit("channel.follow");
    const unknown = structuredClone(follow!.message);
    unknown.metadata.message_id = "f6c4d7b0-unknown";
    unknown.metadata.subscription_type = "channel.ban";
    stack.sim.emitRaw(unknown);
    stack.sim.emitRaw('{"metadata": {"message_type": "notification"');
    const bad = structuredClone(follow!.message);
    bad.metadata.message_id = "f6c4d7b0-bad";
    (bad.payload["event"] as Record<string, unknown>)["followed_at"] = "yesterday";
    stack.sim.emitRaw(bad);
    const revocation = {
      metadata: {
        ...follow!.message.metadata,
        message_id: "f6c4d7b0-rev",
        message_type: "revocation",
      },
      payload: { subscription: { id: 42 } },
    };
    stack.sim.emitRaw(revocation);
    stack.sim.emit("stream.online");
    await eventsOnStream(stack, 2);
    const dead = await waitFor(async () => {
      const messages = await readStream(stack.nc, DEAD_LETTERS_STREAM, "dlq.ingest.twitch");
      return messages.length >= 4 && messages;
    });
    const byReason = Object.fromEntries(dead.map((m) => [m.headers["Castbus-Reason"], m]));
    expect(Object.keys(byReason).sort()).toEqual([
      "invalid_message",
      "invalid_payload",
      "invalid_revocation",
      "unknown_type",
    ]);
    expect(byReason["invalid_revocation"]!.json()).toEqual(revocation);
    expect(byReason["unknown_type"]!.json()).toMatchObject({
      metadata: { subscription_type: "channel.ban" },
    });
    expect(byReason["unknown_type"]!.headers).toMatchObject({
      "Castbus-Source": "twitch",
      "Castbus-Account": BROADCASTER.id,
    });
    expect(byReason["invalid_message"]!.text).toBe('{"metadata": {"message_type": "notification"');
    expect(byReason["invalid_payload"]!.headers["Castbus-Error"]).toContain("followed_at");
    const metrics = await getLocal(ingester.port, "/metrics");
    expect(metrics.text).toContain(
      'castbus_events_rejected_total{source="twitch",reason="unknown_type"} 1',
    );
  });

  it("publishes a notification Twitch sends twice with the same message_id once", async () => {
    const ingester = await stack.ingester();
    await enabledSubscriptions(stack.sim, 11);
    const [first] = stack.sim.emit("channel.subscribe");
    stack.sim.redeliver(first!.messageId);
    stack.sim.redeliver(first!.messageId, { newMessageId: true });
    stack.sim.emit("channel.cheer");
    const stored = await eventsOnStream(stack, 3);
    await new Promise((r) => setTimeout(r, 200));
    expect(await readStream(stack.nc, "EVENTS", "events.twitch.>")).toHaveLength(3);
    expect(stored.map((m) => m.subject)).toEqual([
      "events.twitch.subscription",
      "events.twitch.subscription",
      "events.twitch.cheer",
    ]);
    expect(await outcomeCount(ingester.port, "duplicate_notification")).toBe(1);
  });
});
