import { describe, expect, it } from "vitest";
import {
  createEnvelope,
  ingestDeadLetterSubject,
  isCustomEventType,
  isValidEventType,
  subjectForType,
  summarizeEvent,
  typeFromSubject,
  validateEvent,
  workerDeadLetterSubject,
} from "../src/index.js";

const tip = () =>
  createEnvelope({
    id: "chaturbate:alice:1755376903836-0",
    source: "chaturbate/alice",
    type: "chaturbate.tip",
    time: new Date(1755376903836),
    ingestTime: new Date(1755376904000),
    data: {
      broadcaster: "alice",
      user: { username: "viewer_two", inFanclub: false, hasTokens: true, isMod: false },
      tokens: 25,
      isAnon: false,
      text: "nice",
    },
  });

describe("envelope", () => {
  it("fills the CloudEvents fields and keeps upstream and ingest times apart", () => {
    expect(tip()).toEqual({
      specversion: "1.0",
      id: "chaturbate:alice:1755376903836-0",
      source: "chaturbate/alice",
      type: "chaturbate.tip",
      time: "2025-08-16T20:41:43.836Z",
      ingesttime: "2025-08-16T20:41:44.000Z",
      datacontenttype: "application/json",
      data: expect.objectContaining({ tokens: 25 }),
    });
  });

  it("uses the ingest time as the event time when the upstream gives none", () => {
    const at = new Date("2026-01-02T03:04:05.678Z");
    const event = createEnvelope({
      id: "x",
      source: "gateway/main",
      type: "custom.ping",
      data: {},
      ingestTime: at,
    });
    expect(event.time).toBe(event.ingesttime);
  });

  it("records the causing event for handler chaining", () => {
    const event = createEnvelope({
      id: "e",
      source: "worker/g",
      type: "custom.alert",
      data: {},
      causationId: "c-1",
    });
    expect(event.causationid).toBe("c-1");
  });
});

describe("validateEvent", () => {
  it("accepts a valid event and strips unknown payload keys", () => {
    const event = tip();
    const result = validateEvent({ ...event, data: { ...event.data, extra: 1 } });
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.event.data).not.toHaveProperty("extra");
  });

  it("keeps CloudEvents extension attributes on the envelope", () => {
    const result = validateEvent({ ...tip(), traceparent: "00-abc" });
    expect(result.ok && (result.event as unknown as Record<string, unknown>)["traceparent"]).toBe(
      "00-abc",
    );
  });

  it("names the failing path when a payload field is wrong", () => {
    const event = tip();
    const result = validateEvent({ ...event, data: { ...event.data, user: { hasTokens: true } } });
    expect(result).toMatchObject({ ok: false, reason: "data" });
    if (!result.ok) expect(result.message).toContain("user.username");
  });

  it("rejects unknown types, but accepts any custom.<name>", () => {
    expect(validateEvent({ ...tip(), type: "chaturbate.superchat" })).toMatchObject({
      ok: false,
      reason: "unknown_type",
    });
    expect(validateEvent({ ...tip(), type: "custom.alert", data: { any: ["thing"] } }).ok).toBe(
      true,
    );
  });

  it("rejects a malformed envelope", () => {
    expect(validateEvent({ ...tip(), specversion: "0.3" })).toMatchObject({
      ok: false,
      reason: "envelope",
    });
    expect(validateEvent({ ...tip(), time: "yesterday" })).toMatchObject({
      ok: false,
      reason: "envelope",
    });
    expect(validateEvent("not an object")).toMatchObject({ ok: false, reason: "envelope" });
  });
});

describe("subjects", () => {
  it("maps types to subjects and back", () => {
    expect(subjectForType("twitch.chat.message")).toBe("events.twitch.chat.message");
    expect(typeFromSubject("events.obs.scene_changed")).toBe("obs.scene_changed");
    expect(typeFromSubject("dlq.ingest.obs")).toBeUndefined();
  });

  it("names dead-letter subjects and refuses unsafe tokens", () => {
    expect(ingestDeadLetterSubject("chaturbate")).toBe("dlq.ingest.chaturbate");
    expect(workerDeadLetterSubject("alerts")).toBe("dlq.worker.alerts");
    expect(() => workerDeadLetterSubject("a.b")).toThrow(TypeError);
    expect(() => ingestDeadLetterSubject("x>")).toThrow(TypeError);
  });

  it("accepts only dotted NATS-safe lowercase types", () => {
    expect(isValidEventType("custom.tip_alert")).toBe(true);
    for (const bad of ["custom", "custom.", "custom.*", "custom.a b", "Custom.x", "custom..x"]) {
      expect(isValidEventType(bad), bad).toBe(false);
    }
    expect(isCustomEventType("custom.x")).toBe(true);
    expect(isCustomEventType("customx.y")).toBe(false);
  });
});

describe("summarizeEvent", () => {
  it("reads the shared vocabulary into one line", () => {
    expect(summarizeEvent(tip())).toBe("viewer_two · 25 tokens · nice");
    expect(
      summarizeEvent({ type: "chaturbate.room_subject_change", data: { subject: "Welcome\nall" } }),
    ).toBe("Welcome all");
    expect(summarizeEvent({ type: "custom.x", data: null })).toBe("custom.x");
  });
});
