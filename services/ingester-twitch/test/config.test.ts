import { ConfigError } from "@castbus/config";
import { describe, expect, it } from "vitest";
import { enabledTypes, loadTwitchConfig } from "../src/config.js";
import { watchdogMs } from "../src/connection.js";
import { eventSubUrl } from "../src/ingester.js";
import { planSubscriptions } from "../src/plan.js";
import { toEvent } from "../src/to-event.js";
import { SUBSCRIPTION_TYPES } from "../src/upstream.js";

const base = {
  TWITCH_CLIENT_ID: "gp762nuuoqcoxypju8c569th9wz7q5",
  TWITCH_ACCESS_TOKEN: "jostpf5q0uzmxmkba9iyug38kjtgh2",
  TWITCH_BROADCASTER_ID: "12826",
};

function problems(env: Record<string, string>): string[] {
  try {
    loadTwitchConfig(env);
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.issues.map((i) => `${i.variable}: ${i.message}`);
  }
}

describe("configuration", () => {
  it("defaults to production URLs and all 11 types", () => {
    const config = loadTwitchConfig(base);
    expect(config.TWITCH_EVENTSUB_URL).toBe("wss://eventsub.wss.twitch.tv/ws");
    expect(config.TWITCH_API_URL).toBe("https://api.twitch.tv/helix");
    expect(config.TWITCH_AUTH_URL).toBe("https://id.twitch.tv/oauth2");
    expect(enabledTypes(config)).toEqual(SUBSCRIPTION_TYPES);
    expect(eventSubUrl(config)).toBe("wss://eventsub.wss.twitch.tv/ws");
    expect(String(config.TWITCH_ACCESS_TOKEN)).toBe("<redacted>");
  });

  it("accepts castbus and EventSub names in TWITCH_EVENTS and rejects unknown ones", () => {
    const config = loadTwitchConfig({ ...base, TWITCH_EVENTS: "twitch.follow, channel.cheer" });
    expect(enabledTypes(config)).toEqual(["channel.follow", "channel.cheer"]);
    expect(problems({ ...base, TWITCH_EVENTS: "twitch.follow,twitch.ban" })).toEqual([
      expect.stringMatching(/^TWITCH_EVENTS: unknown twitch.ban; use twitch.chat.message, /),
    ]);
  });

  it("needs a broadcaster, numeric ids, and no broadcaster twice", () => {
    expect(problems({ ...base, TWITCH_BROADCASTER_ID: "" })).toEqual([
      expect.stringMatching(/^TWITCH_BROADCASTER_ID: set TWITCH_BROADCASTER_ID or/),
    ]);
    expect(problems({ ...base, TWITCH_BROADCASTER_ID: "12826,abc" })).toHaveLength(1);
    expect(problems({ ...base, TWITCH_BROADCASTER_ID: "1,1" })).toEqual([
      "TWITCH_BROADCASTER_ID: lists a broadcaster twice",
    ]);
  });

  it("refuses more cost-1 subscriptions than Twitch's max_total_cost of 10 per token", () => {
    expect(problems({ ...base, TWITCH_BROADCASTER_ID: "1,2,3" })).toEqual([]);
    const tooMany = problems({ ...base, TWITCH_BROADCASTER_ID: "1,2,3,4" });
    expect(tooMany).toEqual([
      expect.stringMatching(/4 broadcasters × 4 cost-1 types .* max_total_cost of 10/),
    ]);
    const chatOnly = {
      ...base,
      TWITCH_BROADCASTER_ID: "1,2,3,4,5,6,7,8",
      TWITCH_EVENTS: "twitch.chat.message",
    };
    expect(problems(chatOnly)).toEqual([]);
  });

  it("adds keepalive_timeout_seconds to the URL when configured", () => {
    const config = loadTwitchConfig({ ...base, TWITCH_KEEPALIVE_TIMEOUT_S: "30" });
    expect(eventSubUrl(config)).toBe(
      "wss://eventsub.wss.twitch.tv/ws?keepalive_timeout_seconds=30",
    );
    expect(watchdogMs(10)).toBe(13_000);
  });
});

describe("subscription plan", () => {
  const token = {
    clientId: "c",
    userId: "12826",
    login: "cool_streamer",
    scopes: [
      "user:read:chat",
      "moderator:read:followers",
      "channel:read:subscriptions",
      "bits:read",
      "channel:manage:redemptions",
    ],
    expiresInS: 100,
  };

  it("plans all 11 types at no cost for the token's own channel", () => {
    const plan = planSubscriptions("12826", SUBSCRIPTION_TYPES, token);
    expect(plan.planned).toHaveLength(11);
    expect(plan.skipped).toEqual([]);
    expect(plan.cost).toBe(0);
    expect(plan.planned.find((p) => p.type === "channel.raid")?.condition).toEqual({
      to_broadcaster_user_id: "12826",
    });
    expect(plan.planned.find((p) => p.type === "channel.follow")).toMatchObject({
      version: "2",
      condition: { broadcaster_user_id: "12826", moderator_user_id: "12826" },
    });
  });

  it("skips broadcaster-authorized types of another channel and counts its cost-1 types", () => {
    const plan = planSubscriptions("999", SUBSCRIPTION_TYPES, token);
    expect(plan.planned.map((p) => p.type)).toEqual([
      "channel.chat.message",
      "channel.follow",
      "channel.raid",
      "stream.online",
      "stream.offline",
      "channel.update",
    ]);
    expect(plan.cost).toBe(4);
  });
});

describe("mapping", () => {
  const record = (frame: unknown) => ({
    raw: JSON.stringify(frame),
    receivedAt: 0,
    receivedTime: new Date("2024-05-01T10:11:13Z"),
  });
  const follow = {
    metadata: {
      message_id: "befa7b53-d79d-478f-86b9-120f112b044e",
      message_type: "notification",
      message_timestamp: "2024-05-01T10:11:12.464757833Z",
      subscription_type: "channel.follow",
      subscription_version: "2",
    },
    payload: {
      subscription: {
        id: "f1c2",
        status: "enabled",
        type: "channel.follow",
        version: "2",
        condition: {},
      },
      event: {
        user_id: "1337",
        user_login: "awesome_user",
        user_name: "Awesome_User",
        broadcaster_user_id: "12826",
        broadcaster_user_login: "twitch",
        broadcaster_user_name: "Twitch",
        followed_at: "2024-05-01T10:11:12.17106713Z",
      },
    },
  };

  it("keeps nanosecond timestamps and parses frames given only as raw text", () => {
    const result = toEvent(record(follow), { keepRaw: false });
    expect(result).toEqual({
      ok: true,
      event: {
        id: "twitch:befa7b53-d79d-478f-86b9-120f112b044e",
        type: "twitch.follow",
        time: "2024-05-01T10:11:12.17106713Z",
        data: {
          broadcaster: { id: "12826", username: "twitch", displayName: "Twitch" },
          user: { id: "1337", username: "awesome_user", displayName: "Awesome_User" },
          followedAt: "2024-05-01T10:11:12.17106713Z",
        },
      },
    });
  });

  it("keeps the wire event under data.raw only when asked to", () => {
    const result = toEvent(record(follow), { keepRaw: true });
    expect(result.ok && result.event.data["raw"]).toEqual(follow.payload.event);
  });

  it("rejects a message that is not a notification", () => {
    const keepalive = {
      metadata: { ...follow.metadata, message_type: "session_keepalive" },
      payload: {},
    };
    expect(toEvent(record(keepalive), { keepRaw: false })).toMatchObject({
      ok: false,
      reason: "unexpected_message",
    });
  });

  it("gives verified chat bots the bot role and the broadcaster the broadcaster role", () => {
    const chat = (chatterId: string, badges: unknown[]) => ({
      metadata: {
        ...follow.metadata,
        subscription_type: "channel.chat.message",
        subscription_version: "1",
      },
      payload: {
        event: {
          broadcaster_user_id: "12826",
          broadcaster_user_login: "twitch",
          broadcaster_user_name: "Twitch",
          chatter_user_id: chatterId,
          chatter_user_login: "nightbot",
          chatter_user_name: "Nightbot",
          message_id: "m-1",
          message: { text: "!uptime", fragments: [{ type: "text", text: "!uptime" }] },
          badges,
        },
      },
    });
    const bot = toEvent(record(chat("19264788", [{ set_id: "bot-badge", id: "1", info: "" }])), {
      keepRaw: false,
    });
    expect(bot.ok && bot.event.data["user"]).toMatchObject({ roles: ["bot"], isModerator: false });
    const own = toEvent(record(chat("12826", [])), { keepRaw: false });
    expect(own.ok && own.event.data["user"]).toMatchObject({
      roles: ["broadcaster"],
      isBroadcaster: true,
      badges: [],
    });
  });
});
