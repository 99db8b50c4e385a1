import { DEAD_LETTERS_STREAM, EVENTS_STREAM, validateEvent } from "@castbus/events";
import type { Ingester } from "@castbus/ingest";
import { countStream, findSecret, readStream, waitFor } from "@castbus/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { API_KEY, NAME, USERNAME, eventId, getLocal, startStack } from "./harness.js";

let stack: Awaited<ReturnType<typeof startStack>>;

beforeEach(async () => {
  stack = await startStack();
  stack.sim.register("claude_gm", { logo: "claude-color.png" });
  stack.sim.register("waiver_bot", { role: "bot", emoji: "🤖" });
});
afterEach(async () => {
  await stack.stop();
});

const stored = () => readStream(stack.nc, EVENTS_STREAM, "events.tokenbowl.>");
const storedCount = () => countStream(stack.nc, EVENTS_STREAM, "events.tokenbowl.>");
const metricsOf = (ingester: Ingester) => getLocal(ingester.port, "/metrics").then((r) => r.text);
const gapMetric = /castbus_upstream_gaps_total\{source="tokenbowl"\} (\d+)/;

async function waitForCount(count: number, timeoutMs = 10_000): Promise<void> {
  await waitFor(async () => (await storedCount()) >= count, {
    timeoutMs,
    message: `${count} events stored`,
  });
}

describe("ingester-tokenbowl", () => {
  it("publishes room messages and DMs in every direction as valid envelopes on their subjects", async () => {
    const { sim } = stack;
    await stack.ingester();
    const wire = [
      sim.post("claude_gm", "Bold move trading a first-rounder in week 9."),
      sim.post("waiver_bot", "Waiver claim processed: RB to Team Gamma"),
      sim.post("claude_gm", "psst, your TE for my WR2?", { to: USERNAME }),
      sim.post(USERNAME, "no chance", { to: "claude_gm" }),
      sim.post(USERNAME, "gg everyone"),
    ];
    await waitForCount(5);
    const messages = await stored();
    expect(messages).toHaveLength(5);
    const byId = new Map(messages.map((m) => [m.json<{ id: string }>().id, m]));
    for (const w of wire) {
      const message = byId.get(eventId(w.id))!;
      const validation = validateEvent(message.json());
      expect(validation.ok, JSON.stringify(validation)).toBe(true);
      const type = w.to_username === null ? "tokenbowl.chat.message" : "tokenbowl.private_message";
      expect(message.subject).toBe(`events.${type}`);
      expect(message.headers["Nats-Msg-Id"]).toBe(eventId(w.id));
      expect(message.json()).toMatchObject({
        source: `tokenbowl/${NAME}`,
        type,
        time: w.timestamp,
      });
    }
    const data = (i: number) => byId.get(eventId(wire[i]!.id))!.json<{ data: unknown }>().data;
    expect(data(0)).toEqual({
      user: {
        id: wire[0]!.from_user_id,
        username: "claude_gm",
        logo: "claude-color.png",
        isBot: false,
      },
      text: "Bold move trading a first-rounder in week 9.",
      messageType: "room",
      fromSelf: false,
    });
    expect(data(1)).toMatchObject({ user: { isBot: true, roles: ["bot"], emoji: "🤖" } });
    expect(data(2)).toMatchObject({
      toUser: USERNAME,
      toUserId: wire[2]!.to_user_id,
      direction: "received",
      messageType: "direct",
    });
    expect(data(3)).toMatchObject({ toUser: "claude_gm", direction: "sent" });
    expect(data(4)).toMatchObject({ fromSelf: true, user: { username: USERNAME } });
  });

  it("delivers every message exactly once across a stop and restart, including a late timestamp tie", async () => {
    const { sim } = stack;
    let ingester = await stack.ingester();
    sim.post("claude_gm", "a DM before", { to: USERNAME });
    for (let i = 0; i < 30; i++) sim.post("claude_gm", `before ${i}`);
    await waitForCount(31);
    await ingester.stop();
    const last = sim.messages().at(-1)!;
    expect(last.to_username).toBeNull();
    // Same microsecond as the newest message already read: an exclusive `since` would skip it.
    sim.post("waiver_bot", "late tie", { timestamp: last.timestamp });
    for (let i = 0; i < 20; i++) sim.post("claude_gm", `while stopped ${i}`);
    sim.post("claude_gm", "a DM while stopped", { to: USERNAME });
    ingester = await stack.ingester();
    for (let i = 0; i < 10; i++) sim.post("claude_gm", `after ${i}`);
    await waitForCount(63);
    await stack.nextPolls(3);
    const ids = (await stored()).map((m) => m.json<{ id: string }>().id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.sort()).toEqual(
      sim
        .posted()
        .map((m) => eventId(m.id))
        .sort(),
    );
    expect(stack.logs.find("resuming from checkpoint")).toHaveLength(1);
    expect(await metricsOf(ingester)).not.toMatch(gapMetric);
  });

  it("keeps exactly-once when the server flips between newest-first and oldest-first between polls", async () => {
    const { sim } = stack;
    await stack.ingester();
    for (let i = 0; i < 5; i++) sim.post("claude_gm", `current ${i}`);
    await waitForCount(5);
    sim.setLegacy(true);
    for (let i = 0; i < 5; i++) sim.post("claude_gm", `legacy ${i}`);
    await waitForCount(10);
    sim.setLegacy(false);
    for (let i = 0; i < 5; i++) sim.post("claude_gm", `current again ${i}`);
    await waitForCount(15);
    await stack.nextPolls(2);
    const ids = (await stored()).map((m) => m.json<{ id: string }>().id);
    expect(ids).toEqual(sim.posted().map((m) => eventId(m.id)));
  });

  it("detects and counts the gap when more than 100 messages arrive between two polls, and not at 99", async () => {
    const { sim } = stack;
    const ingester = await stack.ingester({ TOKENBOWL_POLL_INTERVAL_MS: "150" });
    for (let i = 0; i < 5; i++) sim.post("claude_gm", `warm-up ${i}`);
    await waitForCount(5);
    sim.flood(99); // retention 100: the newest message read survives, nothing is lost
    await waitForCount(104);
    await stack.nextPolls(2);
    expect(await metricsOf(ingester)).not.toMatch(gapMetric);
    sim.flood(150); // 50 of these are deleted before the next poll
    await waitForCount(204);
    const metrics = await waitFor(async () => {
      const text = await metricsOf(ingester);
      return gapMetric.exec(text)?.[1] === "1" && text;
    });
    expect(metrics).toMatch(gapMetric);
    const [warning] = stack.logs.find(/deleted messages before they were read/);
    expect(warning).toMatchObject({ level: "warn", source: "tokenbowl", account: NAME });
    const retained = new Set(sim.messages().map((m) => m.id));
    const lost = sim
      .posted()
      .slice(-150)
      .filter((m) => !retained.has(m.id));
    expect(lost).toHaveLength(50);
    expect(warning!["oldestRetained"]).toBe(sim.messages()[0]!.timestamp);
    expect((warning!["after"] as string) < lost[0]!.timestamp).toBe(true);
    const ids = new Set((await stored()).map((m) => m.json<{ id: string }>().id));
    expect(ids.size).toBe(204);
    for (const m of lost) expect(ids.has(eventId(m.id))).toBe(false);
  });

  it("retries a plain-text 500, an nginx 503 and a reset, dead-letters malformed JSON, and never stops", async () => {
    const { sim } = stack;
    const ingester = await stack.ingester();
    sim.inject({ kind: "status", status: 500 }, { path: "/messages", method: "GET" });
    sim.inject({ kind: "status", status: 503 }, { path: "/messages", method: "GET" });
    sim.inject({ kind: "reset" }, { path: "/messages", method: "GET" });
    sim.inject({ kind: "malformed" }, { path: "/messages/direct", method: "GET" });
    const first = sim.post("claude_gm", "through the storm");
    sim.postRaw({
      id: "0b0b0b0b-0000-4000-8000-000000000001",
      from_username: "x",
      content: 42,
      message_type: "room",
      timestamp: sim.post("claude_gm", "tick").timestamp,
    });
    const last = sim.post("claude_gm", "after the storm", { to: USERNAME });
    await waitForCount(3, 15_000);
    const dead = await waitFor(async () => {
      const messages = await readStream(stack.nc, DEAD_LETTERS_STREAM, "dlq.ingest.tokenbowl");
      return messages.length >= 2 && messages;
    });
    const byReason = Object.fromEntries(dead.map((m) => [m.headers["Castbus-Reason"], m]));
    expect(byReason["invalid_json"]!.text.length).toBeGreaterThan(0);
    expect(() => JSON.parse(byReason["invalid_json"]!.text)).toThrow();
    expect(byReason["invalid_payload"]!.headers["Castbus-Error"]).toContain("content");
    const ids = (await stored()).map((m) => m.json<{ id: string }>().id);
    expect(ids).toEqual(expect.arrayContaining([first.id, last.id].map(eventId)));
    expect(new Set(ids).size).toBe(3);
    const metrics = await metricsOf(ingester);
    for (const outcome of ["server", "network", "invalid_response"]) {
      expect(metrics).toMatch(
        new RegExp(
          `castbus_upstream_requests_total\\{source="tokenbowl",outcome="${outcome}"\\} [1-9]`,
        ),
      );
    }
    expect((await getLocal(ingester.port, "/readyz")).status).toBe(200);
  });

  it("reads only the room with TOKENBOWL_DIRECT_MESSAGES=false", async () => {
    const { sim } = stack;
    await stack.ingester({ TOKENBOWL_DIRECT_MESSAGES: "false" });
    sim.post("claude_gm", "secret DM", { to: USERNAME });
    sim.post("claude_gm", "room");
    await waitForCount(1);
    await stack.nextPolls(2);
    expect(await storedCount()).toBe(1);
    expect(sim.requests.some((r) => r.path === "/messages/direct")).toBe(false);
  });

  it("stops polling when the key is rotated, with /readyz failing and saying why", async () => {
    const { sim } = stack;
    const ingester = await stack.ingester();
    await waitFor(async () => (await getLocal(ingester.port, "/readyz")).status === 200);
    sim.regenerateKey(USERNAME);
    await waitFor(async () => (await getLocal(ingester.port, "/readyz")).status === 503);
    const ready = JSON.parse((await getLocal(ingester.port, "/readyz")).text) as {
      checks: Record<string, { reason?: string }>;
    };
    expect(ready.checks[`upstream:tokenbowl/${NAME}`]!.reason).toMatch(
      /auth.*Invalid or missing authentication credentials/,
    );
    const before = sim.requests.length;
    await new Promise((r) => setTimeout(r, 600));
    expect(sim.requests.length).toBe(before);
  });

  it("stops with a clear reason when TOKENBOWL_URL points at the wrong path", async () => {
    const ingester = await stack.ingester({ TOKENBOWL_URL: `${stack.sim.url}/api/v2` }, false);
    const ready = await waitFor(async () => {
      const res = await getLocal(ingester.port, "/readyz");
      return res.status === 503 && res.text.includes("not_found") && res.text;
    });
    expect(ready).toContain("check TOKENBOWL_URL");
    expect(stack.logs.find(/upstream refused us/)).toHaveLength(1);
  });

  it("never writes the API key into a log line, metric, readiness answer or checkpoint", async () => {
    const { sim } = stack;
    const ingester = await stack.ingester();
    sim.flood(20, { dms: true });
    sim.inject({ kind: "status", status: 500, body: `oops ${API_KEY}` }, { path: "/messages" });
    sim.inject(
      {
        kind: "status",
        status: 422,
        body: JSON.stringify({
          detail: [{ loc: ["header", "x-api-key"], msg: API_KEY, type: "x" }],
        }),
      },
      { path: "/messages/direct" },
    );
    sim.post("claude_gm", "last one");
    await waitForCount(21);
    await stack.nextPolls(2);
    const metrics = await metricsOf(ingester);
    const ready = (await getLocal(ingester.port, "/readyz")).text;
    const { Kvm } = await import("@nats-io/kv");
    const kv = await new Kvm(stack.nc).open("CHECKPOINTS");
    const checkpoint = (await kv.get(`tokenbowl.${NAME}`))!.string();
    expect(JSON.parse(checkpoint)).toMatchObject({
      cursor: {
        room: {
          at: sim
            .messages()
            .filter((m) => m.to_username === null)
            .at(-1)!.timestamp,
        },
      },
    });
    expect(findSecret([...stack.logs.lines, metrics, ready, checkpoint], API_KEY)).toEqual([]);
    expect(stack.logs.lines.join("\n")).toContain("<redacted>");
  });
});
