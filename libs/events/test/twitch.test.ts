import { describe, expect, it } from "vitest";
import { eventJsonSchemas, knownEventTypes, summarizeEvent, validateEvent } from "../src/index.js";
import { TWITCH_CHAT_ROLES, twitchSchemas } from "../src/twitch.js";

const broadcaster = { id: "12826", username: "cool_streamer", displayName: "Cool_Streamer" };
const user = { id: "1337", username: "awesome_user", displayName: "Awesome_User" };
const chatter = {
  ...user,
  badges: [{ setId: "moderator", id: "1", info: "" }],
  roles: ["moderator"],
  isBroadcaster: false,
  isModerator: true,
  isVip: false,
  isSubscriber: false,
};
const at = "2024-05-01T10:11:12.17106713Z";

/** One valid payload of each type. */
const VALID: Record<keyof typeof twitchSchemas, Record<string, unknown>> = {
  "twitch.chat.message": {
    broadcaster,
    user: chatter,
    text: "hi Kappa",
    messageId: "cc106a89-1814-919d-454c-f4f2f970aae7",
    messageType: "text",
    fragments: [
      { type: "text", text: "hi " },
      {
        type: "emote",
        text: "Kappa",
        emote: { id: "25", setId: "0", ownerId: "0", format: ["static"] },
      },
    ],
  },
  "twitch.follow": { broadcaster, user, followedAt: at },
  "twitch.subscription": { broadcaster, user, tier: "1000", isGift: false },
  "twitch.subscription_gift": { broadcaster, isAnonymous: true, total: 5, tier: "1000" },
  "twitch.subscription_message": {
    broadcaster,
    user,
    tier: "2000",
    text: "Love the stream! FevziGG",
    emotes: [{ begin: 17, end: 23, id: "302976485" }],
    cumulativeMonths: 15,
    durationMonths: 6,
  },
  "twitch.raid": { broadcaster, user, viewers: 9001 },
  "twitch.cheer": { broadcaster, user, isAnonymous: false, bits: 1000, text: "pogchamp" },
  "twitch.channel_points": {
    broadcaster,
    user,
    redemptionId: "17fa2df1-ad76-4804-bfa5-a40ef63efe63",
    reward: { id: "92af127c", title: "Hydrate", cost: 100, prompt: "" },
    text: "",
    status: "unfulfilled",
    redeemedAt: at,
  },
  "twitch.stream_online": { broadcaster, streamId: "9001", streamType: "live", startedAt: at },
  "twitch.stream_offline": { broadcaster },
  "twitch.channel_update": {
    broadcaster,
    title: "Best Stream Ever",
    language: "en",
    categoryId: "12453",
    categoryName: "Grand Theft Auto",
    contentClassificationLabels: ["MatureGame"],
  },
};

function envelope(type: string, data: unknown) {
  return {
    specversion: "1.0",
    id: "twitch:befa7b53-d79d-478f-86b9-120f112b044e",
    source: "twitch/12826",
    type,
    time: at,
    ingesttime: "2024-05-01T10:11:12.500Z",
    datacontenttype: "application/json",
    data,
  };
}

describe("twitch schemas", () => {
  it("registers the 11 DESIGN.md types", () => {
    expect(Object.keys(twitchSchemas).sort()).toEqual(
      [
        "twitch.chat.message",
        "twitch.follow",
        "twitch.subscription",
        "twitch.subscription_gift",
        "twitch.subscription_message",
        "twitch.raid",
        "twitch.cheer",
        "twitch.channel_points",
        "twitch.stream_online",
        "twitch.stream_offline",
        "twitch.channel_update",
      ].sort(),
    );
    for (const type of Object.keys(twitchSchemas)) expect(knownEventTypes).toContain(type);
  });

  it("accepts a well-formed envelope of every type, nanosecond times included", () => {
    for (const [type, data] of Object.entries(VALID)) {
      const result = validateEvent(envelope(type, data));
      expect(result.ok, `${type}: ${JSON.stringify(result)}`).toBe(true);
    }
  });

  it("requires the shared user shape with the Twitch id", () => {
    const { id: _id, ...withoutId } = user;
    const result = validateEvent(
      envelope("twitch.follow", { ...VALID["twitch.follow"], user: withoutId }),
    );
    expect(result).toMatchObject({
      ok: false,
      reason: "data",
      message: "user.id: Invalid input: expected string, received undefined",
    });
  });

  it("rejects a cheer without bits and a chat message with an unknown role", () => {
    const cheer = { ...VALID["twitch.cheer"], bits: 0 };
    expect(validateEvent(envelope("twitch.cheer", cheer)).ok).toBe(false);
    const chat = { ...VALID["twitch.chat.message"], user: { ...chatter, roles: ["overlord"] } };
    expect(validateEvent(envelope("twitch.chat.message", chat))).toMatchObject({
      ok: false,
      reason: "data",
    });
    expect(TWITCH_CHAT_ROLES).toContain("subscriber");
  });

  it("keeps data.raw when an ingester keeps the wire event", () => {
    const result = validateEvent(
      envelope("twitch.stream_offline", { broadcaster, raw: { broadcaster_user_id: "12826" } }),
    );
    expect(result.ok && result.event.data).toEqual({
      broadcaster,
      raw: { broadcaster_user_id: "12826" },
    });
  });

  it("summarizes with the shared vocabulary: display name, bits, viewers, text, title", () => {
    expect(summarizeEvent({ type: "twitch.cheer", data: VALID["twitch.cheer"] })).toBe(
      "Awesome_User · 1000 bits · pogchamp",
    );
    expect(summarizeEvent({ type: "twitch.raid", data: VALID["twitch.raid"] })).toBe(
      "Awesome_User · 9001 viewers",
    );
    expect(
      summarizeEvent({ type: "twitch.channel_update", data: VALID["twitch.channel_update"] }),
    ).toBe("Best Stream Ever");
  });

  it("exports a JSON Schema per type with the type pinned", () => {
    const schema = eventJsonSchemas()["twitch.chat.message"] as {
      properties: Record<string, { const?: string }>;
    };
    expect(schema.properties["type"]).toMatchObject({ const: "twitch.chat.message" });
  });
});
