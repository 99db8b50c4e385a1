import { DEAD_LETTERS_STREAM, EVENTS_STREAM, validateEvent } from "@castbus/events";
import type { Ingester } from "@castbus/ingest";
import { CHATURBATE_METHODS } from "@castbus/simulators";
import { countStream, findSecret, readStream, waitFor } from "@castbus/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { METHOD_TYPES } from "../src/upstream.js";
import { TOKEN, USERNAME, getLocal, startStack } from "./harness.js";

let stack: Awaited<ReturnType<typeof startStack>>;
let ingester: Ingester;

beforeEach(async () => {
  stack = await startStack();
  ingester = await stack.ingester();
});
afterEach(async () => {
  await stack.stop();
});

const eventsOnStream = () => readStream(stack.nc, EVENTS_STREAM, "events.chaturbate.>");

describe("ingester-chaturbate", () => {
  it("publishes all 12 methods as valid envelopes on their own subjects", async () => {
    const sent = CHATURBATE_METHODS.map((method) => stack.sim.emit(USERNAME, method));
    const stored = await waitFor(async () => {
      const messages = await eventsOnStream();
      return messages.length >= 12 && messages;
    });
    expect(stored).toHaveLength(12);
    for (const [index, wire] of sent.entries()) {
      const message = stored[index]!;
      const type = METHOD_TYPES[wire.method as keyof typeof METHOD_TYPES];
      expect(message.subject).toBe(`events.${type}`);
      const validation = validateEvent(message.json());
      expect(validation.ok, JSON.stringify(validation)).toBe(true);
      const envelope = message.json<Record<string, unknown>>();
      expect(envelope).toMatchObject({
        specversion: "1.0",
        id: `chaturbate:${USERNAME}:${wire.id}`,
        source: `chaturbate/${USERNAME}`,
        type,
        datacontenttype: "application/json",
      });
      expect(message.headers["Nats-Msg-Id"]).toBe(envelope["id"]);
      expect(Date.parse(envelope["time"] as string)).toBe(Number(wire.id.split("-")[0]));
    }
  });

  it("normalizes tips, private messages and media purchases into the shared vocabulary", async () => {
    stack.sim.emit(USERNAME, "tip", { tip: { tokens: 25, message: "| nice", isAnon: true } });
    stack.sim.emit(USERNAME, "privateMessage", {
      message: { fromUser: USERNAME, toUser: "bob", message: "hi bob" },
    });
    stack.sim.emit(USERNAME, "mediaPurchase", {
      media: { id: 7, name: "set", type: "photos", tokens: 30 },
    });
    const stored = await waitFor(async () =>
      (await eventsOnStream()).length === 3 ? eventsOnStream() : false,
    );
    const [tip, pm, media] = stored.map((m) => m.json<{ data: Record<string, unknown> }>().data);
    expect(tip).toMatchObject({ tokens: 25, isAnon: true, text: "nice", broadcaster: USERNAME });
    expect(pm).toMatchObject({
      text: "hi bob",
      fromUser: USERNAME,
      toUser: "bob",
      direction: "sent",
    });
    expect(media).toMatchObject({ tokens: 30, media: { id: "7", type: "photos", name: "set" } });
  });

  it("dead-letters malformed records with their raw bytes and keeps the events after them flowing", async () => {
    stack.sim.emit(USERNAME, "tip");
    stack.sim.emitRaw(USERNAME, { method: "superChat", object: { broadcaster: USERNAME } });
    stack.sim.emitRaw(USERNAME, {
      method: "tip",
      object: { broadcaster: USERNAME, user: { isMod: false }, tip: { tokens: 5 } },
    });
    stack.sim.inject(
      { kind: "body", body: '{"events": [ {"method": "tip", ' },
      { username: USERNAME },
    );
    stack.sim.emit(USERNAME, "chatMessage");
    stack.sim.emit(USERNAME, "follow");
    await waitFor(
      async () => (await countStream(stack.nc, EVENTS_STREAM, "events.chaturbate.>")) === 3,
    );
    const dead = await waitFor(async () => {
      const messages = await readStream(stack.nc, DEAD_LETTERS_STREAM, "dlq.ingest.chaturbate");
      return messages.length >= 3 && messages;
    });
    const byReason = Object.fromEntries(dead.map((m) => [m.headers["Castbus-Reason"], m]));
    expect(Object.keys(byReason).sort()).toEqual([
      "invalid_json",
      "invalid_payload",
      "unknown_type",
    ]);
    expect(byReason["unknown_type"]!.json()).toMatchObject({ method: "superChat" });
    expect(byReason["invalid_payload"]!.headers["Castbus-Error"]).toContain("user.username");
    expect(byReason["invalid_json"]!.text).toBe('{"events": [ {"method": "tip", ');
    expect(byReason["unknown_type"]!.headers).toMatchObject({
      "Castbus-Source": "chaturbate",
      "Castbus-Account": USERNAME,
    });
    const metrics = await getLocal(ingester.port, "/metrics");
    expect(metrics.text).toContain(
      'castbus_events_rejected_total{source="chaturbate",reason="unknown_type"} 1',
    );
    expect(metrics.text).toContain(
      'castbus_events_rejected_total{source="chaturbate",reason="invalid_json"} 1',
    );
  });

  it("retries 429 with Retry-After, 502, 521, a reset and a hung response, then delivers", async () => {
    const { sim } = stack;
    sim.inject({ kind: "status", status: 429, retryAfter: "1" }, { username: USERNAME });
    sim.inject({ kind: "status", status: 502 }, { username: USERNAME });
    sim.inject({ kind: "status", status: 521 }, { username: USERNAME });
    sim.inject({ kind: "reset" }, { username: USERNAME });
    sim.inject({ kind: "hang" }, { username: USERNAME });
    const first = sim.emit(USERNAME, "tip"); // answers the poll already waiting; the faults hit the next five
    await waitFor(() => sim.requests.filter((r) => r.fault !== undefined).length === 5, {
      timeoutMs: 20_000,
    });
    const second = sim.emit(USERNAME, "follow");
    const stored = await waitFor(
      async () => ((await eventsOnStream()).length === 2 ? eventsOnStream() : false),
      { timeoutMs: 20_000 },
    );
    expect(stored.map((m) => m.json()["id"])).toEqual(
      [first, second].map((w) => `chaturbate:${USERNAME}:${w.id}`),
    );
    const after429 = sim.requests.findIndex((r) => r.status === 429);
    const gap = sim.requests[after429 + 1]!.time - sim.requests[after429]!.time;
    expect(gap).toBeGreaterThanOrEqual(950);
    const metrics = await getLocal(ingester.port, "/metrics");
    for (const outcome of ["rate_limit", "server", "network", "timeout"]) {
      expect(metrics.text).toMatch(
        new RegExp(
          `castbus_upstream_requests_total\\{source="chaturbate",outcome="${outcome}"\\} [1-9]`,
        ),
      );
    }
  }, 30_000);

  it("stops polling on 401 with a clear error and /readyz failing", async () => {
    await waitFor(async () => (await getLocal(ingester.port, "/readyz")).status === 200, {
      message: "ready first",
    });
    stack.sim.revokeToken(USERNAME);
    await waitFor(async () => (await getLocal(ingester.port, "/readyz")).status === 503, {
      message: "not ready after revoke",
    });
    const ready = JSON.parse((await getLocal(ingester.port, "/readyz")).text) as {
      checks: Record<string, { reason?: string }>;
    };
    expect(ready.checks[`upstream:chaturbate/${USERNAME}`]!.reason).toMatch(/auth/);
    const before = stack.sim.requests.length;
    await new Promise((r) => setTimeout(r, 1500));
    expect(stack.sim.requests.length).toBe(before);
    expect(stack.logs.find(/upstream refused us/)).toHaveLength(1);
  });

  it("never writes the token into a log line, metric or checkpoint", async () => {
    stack.sim.emitRandom(USERNAME, 50);
    stack.sim.inject(
      { kind: "status", status: 503, body: `oops ${TOKEN}` },
      { username: USERNAME },
    );
    stack.sim.inject(
      { kind: "nextUrl", value: `https://evil.example/events/${USERNAME}/${TOKEN}/?i=1` },
      { username: USERNAME },
    );
    stack.sim.emitRandom(USERNAME, 10);
    await waitFor(
      async () => (await countStream(stack.nc, EVENTS_STREAM, "events.chaturbate.>")) === 60,
    );
    await waitFor(() => stack.logs.lines.some((l) => l.includes("another origin")), {
      message: "foreign nextUrl noticed",
    });
    const metrics = await getLocal(ingester.port, "/metrics");
    const ready = await getLocal(ingester.port, "/readyz");
    const { Kvm } = await import("@nats-io/kv");
    const kv = await new Kvm(stack.nc).open("CHECKPOINTS");
    const checkpoint = (await kv.get(`chaturbate.${USERNAME}`))!.string();
    expect(checkpoint).toMatch(/"i":"\d+-\d+"/);
    expect(findSecret([...stack.logs.lines, metrics.text, ready.text, checkpoint], TOKEN)).toEqual(
      [],
    );
    expect(stack.logs.lines.join("\n")).toContain("<redacted>");
  });
});
