import { describe, expect, it } from "vitest";
import {
  createEnvelope,
  dataSchemaFor,
  knownEventTypes,
  summarizeEvent,
  tokenbowlSchemas,
  validateEvent,
} from "../src/index.js";

const sender = {
  id: "9a8b7c6d-5e4f-4321-9fed-cba987654321",
  username: "claude_gm",
  logo: "claude-color.png",
};

const envelope = (type: string, data: Record<string, unknown>) =>
  createEnvelope({
    id: "tokenbowl:main:0c9f4f7e-2a51-4d7e-9a53-6f1d2b7c8e90",
    source: "tokenbowl/main",
    type,
    time: "2025-11-05T18:22:41.503912+00:00",
    data,
  });

describe("tokenbowl schemas", () => {
  it("registers both Token Bowl types", () => {
    expect(knownEventTypes).toEqual(
      expect.arrayContaining(["tokenbowl.chat.message", "tokenbowl.private_message"]),
    );
    expect(Object.keys(tokenbowlSchemas).sort()).toEqual([
      "tokenbowl.chat.message",
      "tokenbowl.private_message",
    ]);
  });

  it("accepts a room message in the shared vocabulary with the server's microsecond time", () => {
    const event = envelope("tokenbowl.chat.message", {
      user: { ...sender, isBot: false },
      text: "Bold move trading a first-rounder in week 9.",
      messageType: "room",
      fromSelf: false,
    });
    const result = validateEvent(event);
    expect(result.ok, JSON.stringify(result)).toBe(true);
    expect(summarizeEvent(event)).toBe("claude_gm · Bold move trading a first-rounder in week 9.");
  });

  it("accepts a direct message with its recipient and direction", () => {
    const result = validateEvent(
      envelope("tokenbowl.private_message", {
        user: { username: "waiver_bot", isBot: true, roles: ["bot"], emoji: "🤖" },
        text: "psst",
        messageType: "direct",
        toUser: "main_account",
        toUserId: "5b3d1a2c-7e8f-4a6b-9c0d-1e2f3a4b5c6d",
        direction: "received",
      }),
    );
    expect(result.ok, JSON.stringify(result)).toBe(true);
  });

  it("rejects a message without text, a DM without a recipient and an unknown direction", () => {
    const room = dataSchemaFor("tokenbowl.chat.message")!;
    expect(room.safeParse({ user: sender, messageType: "room", fromSelf: false }).success).toBe(
      false,
    );
    const dm = dataSchemaFor("tokenbowl.private_message")!;
    const base = { user: sender, text: "hi", messageType: "direct", direction: "sent" };
    expect(dm.safeParse(base).success).toBe(false);
    expect(dm.safeParse({ ...base, toUser: "bob" }).success).toBe(true);
    expect(dm.safeParse({ ...base, toUser: "bob", direction: "sideways" }).success).toBe(false);
  });

  it("requires a username on the sender and keeps the wire message only under raw", () => {
    const room = dataSchemaFor("tokenbowl.chat.message")!;
    const data = { user: { id: "x" }, text: "hi", messageType: "room", fromSelf: true };
    expect(room.safeParse(data).success).toBe(false);
    const parsed = room.parse({
      user: sender,
      text: "hi",
      messageType: "room",
      fromSelf: true,
      raw: { id: "1" },
      description: "dropped",
    }) as Record<string, unknown>;
    expect(parsed["raw"]).toEqual({ id: "1" });
    expect(parsed).not.toHaveProperty("description");
  });
});
