import { afterEach, describe, expect, it } from "vitest";
import {
  TWITCH_SUBSCRIPTION_TYPES,
  SUBSCRIPTION_TYPES,
  type TwitchSimulator,
} from "../src/twitch/index.js";
import type { TestClient } from "./twitch-client.js";
import { STREAMER, connect, sleep, startSim, subscribe } from "./twitch-client.js";

let sim: TwitchSimulator | undefined;
const clients: TestClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await sim?.close();
  sim = undefined;
});

const NANO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/;
const BROADCASTER = ["broadcaster_user_id", "broadcaster_user_login", "broadcaster_user_name"];
const USER = ["user_id", "user_login", "user_name"];

/** The `payload.event` keys of each type (§4 of the reference). */
const EVENT_KEYS: Record<string, string[]> = {
  "channel.chat.message": [
    ...BROADCASTER,
    "chatter_user_id",
    "chatter_user_login",
    "chatter_user_name",
    "message_id",
    "message",
    "color",
    "badges",
    "message_type",
    "cheer",
    "reply",
    "channel_points_custom_reward_id",
    "source_broadcaster_user_id",
    "source_broadcaster_user_login",
    "source_broadcaster_user_name",
    "source_message_id",
    "source_badges",
  ],
  "channel.follow": [...USER, ...BROADCASTER, "followed_at"],
  "channel.subscribe": [...USER, ...BROADCASTER, "tier", "is_gift"],
  "channel.subscription.gift": [
    ...USER,
    ...BROADCASTER,
    "total",
    "tier",
    "cumulative_total",
    "is_anonymous",
  ],
  "channel.subscription.message": [
    ...USER,
    ...BROADCASTER,
    "tier",
    "message",
    "cumulative_months",
    "streak_months",
    "duration_months",
  ],
  "channel.raid": [
    "from_broadcaster_user_id",
    "from_broadcaster_user_login",
    "from_broadcaster_user_name",
    "to_broadcaster_user_id",
    "to_broadcaster_user_login",
    "to_broadcaster_user_name",
    "viewers",
  ],
  "channel.cheer": ["is_anonymous", ...USER, ...BROADCASTER, "message", "bits"],
  "channel.channel_points_custom_reward_redemption.add": [
    "id",
    ...BROADCASTER,
    ...USER,
    "user_input",
    "status",
    "reward",
    "redeemed_at",
  ],
  "stream.online": ["id", ...BROADCASTER, "type", "started_at"],
  "stream.offline": BROADCASTER,
  "channel.update": [
    ...BROADCASTER,
    "title",
    "language",
    "category_id",
    "category_name",
    "content_classification_labels",
  ],
};

function condition(type: string): Record<string, string> {
  if (type === "channel.raid") return { to_broadcaster_user_id: STREAMER.id };
  if (type === "channel.chat.message")
    return { broadcaster_user_id: STREAMER.id, user_id: STREAMER.id };
  if (type === "channel.follow")
    return { broadcaster_user_id: STREAMER.id, moderator_user_id: STREAMER.id };
  return { broadcaster_user_id: STREAMER.id };
}

async function subscribedToAll() {
  sim = await startSim({ subscribeDeadlineMs: 60_000, seed: 7 });
  const { client, sessionId } = await connect(sim);
  clients.push(client);
  const ids: Record<string, string> = {};
  for (const type of TWITCH_SUBSCRIPTION_TYPES) {
    const res = await subscribe(
      sim,
      sessionId,
      type,
      SUBSCRIPTION_TYPES[type]!.version,
      condition(type),
    );
    expect(res.status).toBe(202);
    ids[type] = String(res.json.data[0]!["id"]);
  }
  return { client, sessionId, ids };
}

describe("twitch simulator: notifications", () => {
  it("sends a type-correct notification for every type, addressed with the id Helix returned", async () => {
    const { client, sessionId, ids } = await subscribedToAll();
    for (const [index, type] of TWITCH_SUBSCRIPTION_TYPES.entries()) {
      const [sent] = sim!.emit(type);
      const message = await client.nth("notification", index);
      expect(message).toEqual(sent!.message);
      expect(message.metadata).toMatchObject({
        subscription_type: type,
        subscription_version: SUBSCRIPTION_TYPES[type]!.version,
        message_timestamp: expect.stringMatching(NANO),
      });
      const subscription = message.payload["subscription"] as Record<string, unknown>;
      expect(subscription).toMatchObject({
        id: ids[type],
        status: "enabled",
        type,
        transport: { method: "websocket", session_id: sessionId },
      });
      const event = message.payload["event"] as Record<string, unknown>;
      expect(Object.keys(event).sort(), type).toEqual([...EVENT_KEYS[type]!].sort());
      const channel = event["broadcaster_user_id"] ?? event["to_broadcaster_user_id"];
      expect(channel).toBe(STREAMER.id);
    }
  });

  it("varies payloads realistically: fragments match the text, gifts and cheers can be anonymous", async () => {
    await subscribedToAll();
    type Chat = {
      message: { text: string; fragments: { text: string; type: string }[] };
      badges: { set_id: string }[];
    };
    const chats = Array.from(
      { length: 60 },
      () => sim!.emit("channel.chat.message")[0]!.message.payload["event"] as Chat,
    );
    for (const chat of chats) {
      expect(chat.message.fragments.map((f) => f.text).join("")).toBe(chat.message.text);
    }
    expect(chats.some((c) => c.badges.some((b) => b.set_id === "subscriber"))).toBe(true);
    expect(chats.some((c) => c.message.fragments.some((f) => f.type === "emote"))).toBe(true);
    const gifts = Array.from(
      { length: 60 },
      () =>
        sim!.emit("channel.subscription.gift")[0]!.message.payload["event"] as Record<
          string,
          unknown
        >,
    );
    const anonymous = gifts.filter((g) => g["is_anonymous"] === true);
    expect(anonymous.length).toBeGreaterThan(0);
    for (const gift of anonymous)
      expect([gift["user_id"], gift["cumulative_total"]]).toEqual([null, null]);
  });

  it("deep-merges overrides into the event and can backdate message_timestamp", async () => {
    const { client } = await subscribedToAll();
    const old = new Date(Date.now() - 11 * 60_000);
    const [sent] = sim!.emit(
      "channel.cheer",
      { bits: 4242, user_name: undefined },
      { messageTimestamp: old },
    );
    const event = sent!.message.payload["event"] as Record<string, unknown>;
    expect(event["bits"]).toBe(4242);
    expect(event).not.toHaveProperty("user_name");
    expect(Date.parse(sent!.message.metadata.message_timestamp)).toBe(old.getTime());
    await client.next("notification");
  });

  it("redelivers with the same message_id, or with a new one for the same change", async () => {
    const { client } = await subscribedToAll();
    const [first] = sim!.emit("stream.online");
    const [same] = sim!.redeliver(first!.messageId);
    const [fresh] = sim!.redeliver(first!.messageId, { newMessageId: true });
    expect(same!.messageId).toBe(first!.messageId);
    expect(fresh!.messageId).not.toBe(first!.messageId);
    expect(fresh!.message.payload["event"]).toEqual(first!.message.payload["event"]);
    await sleep(50);
    expect(client.of("notification").map((m) => m.metadata.message_id)).toEqual([
      first!.messageId,
      first!.messageId,
      fresh!.messageId,
    ]);
  });

  it("revokes once with the chosen status and sends nothing more for that subscription", async () => {
    const { client, ids } = await subscribedToAll();
    const [revocation] = sim!.revoke({ type: "channel.follow", status: "moderator_removed" });
    const message = await client.next("revocation");
    expect(message.metadata).toMatchObject({
      subscription_type: "channel.follow",
      subscription_version: "2",
    });
    expect(message.payload).toEqual({
      subscription: expect.objectContaining({
        id: ids["channel.follow"],
        status: "moderator_removed",
      }),
    });
    expect(revocation!.messageType).toBe("revocation");
    expect(sim!.emit("channel.follow")).toEqual([]);
    expect(sim!.revoke({ type: "channel.follow" })).toEqual([]);
    expect(sim!.subscriptions().find((s) => s.id === ids["channel.follow"])?.status).toBe(
      "moderator_removed",
    );
  });

  it("sends raw frames as given and keeps a history of everything sent", async () => {
    const { client } = await subscribedToAll();
    expect(sim!.emitRaw("not json")).toBe(1);
    expect(sim!.emitRaw({ metadata: { message_type: "notification" } })).toBe(1);
    sim!.emit("stream.offline");
    await sleep(50);
    expect(client.socket.readyState).toBe(client.socket.OPEN);
    expect(client.raw).toContain("not json");
    expect(sim!.sent().map((s) => s.subscriptionType)).toEqual(["stream.offline"]);
  });
});
