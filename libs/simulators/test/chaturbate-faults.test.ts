import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startChaturbateSimulator } from "../src/index.js";
import type { ChaturbateSimulator } from "../src/index.js";
import { TOKEN, cursorOf, feedUrl, get, poll, sleep } from "./feed-client.js";

let sim: ChaturbateSimulator;
let url: string;

beforeAll(async () => {
  sim = await startChaturbateSimulator({
    accounts: [
      { username: "alice", token: TOKEN },
      { username: "bob", token: TOKEN },
    ],
  });
  sim.emitRandom("alice", 3);
  url = feedUrl(sim, "alice", `?i=${sim.feed("alice")[0]!.id}&timeout=0`);
});
afterAll(() => sim.close());
afterEach(() => sim.clearFaults());

describe("faults", () => {
  it("serves an injected status with Retry-After, body and headers, then recovers", async () => {
    sim.inject({
      kind: "status",
      status: 503,
      retryAfter: "7",
      body: "busy",
      headers: { "X-A": "b" },
    });
    const faulted = await get(url);
    expect(faulted).toMatchObject({ status: 503, text: "busy" });
    expect(faulted.headers.get("retry-after")).toBe("7");
    expect(faulted.headers.get("x-a")).toBe("b");
    expect((await get(url)).status).toBe(200);
  });

  it("answers Cloudflare 52x statuses with Cloudflare's text body", async () => {
    for (const status of [520, 521, 522, 523, 524]) {
      sim.inject({ kind: "status", status });
      const answer = await get(url);
      expect(answer).toMatchObject({ status, text: `error code: ${status}` });
    }
  });

  it("serves a redirect without following it", async () => {
    sim.inject({ kind: "status", status: 302, headers: { Location: "https://example.com/" } });
    const answer = await get(url);
    expect(answer.status).toBe(302);
    expect(answer.headers.get("location")).toBe("https://example.com/");
  });

  it("applies a fault to the next `times` requests only", async () => {
    sim.inject({ kind: "status", status: 500 }, { times: 2 });
    const statuses = [];
    for (let k = 0; k < 3; k += 1) statuses.push((await get(url)).status);
    expect(statuses).toEqual([500, 500, 200]);
  });

  it("applies a username-scoped fault only to that account's requests", async () => {
    sim.inject({ kind: "status", status: 502 }, { username: "alice" });
    expect((await get(feedUrl(sim, "bob", "?timeout=0"))).status).toBe(200);
    expect((await get(url)).status).toBe(502);
  });

  it("drops queued faults on clearFaults", async () => {
    sim.inject({ kind: "status", status: 500 }, { times: 5 });
    sim.clearFaults();
    expect((await get(url)).status).toBe(200);
  });

  it("resets the connection before any response bytes", async () => {
    sim.inject({ kind: "reset" });
    await expect(fetch(url)).rejects.toThrow();
    expect(sim.requests.at(-1)).toMatchObject({ status: null, fault: "reset" });
  });

  it("resets the connection in the middle of the body", async () => {
    sim.inject({ kind: "resetMidBody" });
    const response = await fetch(url);
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow();
  });

  it("hangs for ms and then drops the connection", async () => {
    sim.inject({ kind: "hang", ms: 300 });
    const started = performance.now();
    await expect(fetch(url)).rejects.toThrow();
    expect(performance.now() - started).toBeGreaterThanOrEqual(280);
  });

  it("hangs until close when no ms is given", async () => {
    const own = await startChaturbateSimulator({ accounts: [{ username: "h", token: TOKEN }] });
    own.inject({ kind: "hang" });
    const pending = fetch(feedUrl(own, "h", "?timeout=0"));
    await sleep(300);
    await own.close();
    await expect(pending).rejects.toThrow();
  });

  it("serves raw malformed bodies on 200 or another status", async () => {
    const bodies = [
      "{not json",
      '{"events":[{"method":"ti',
      "[]",
      '{"events":{}}',
      '{"nextUrl":null}',
    ];
    for (const body of bodies) {
      sim.inject({ kind: "body", body });
      expect(await get(url)).toMatchObject({ status: 200, text: body });
    }
    sim.inject({ kind: "body", body: "<html>", status: 502, contentType: "text/html" });
    const html = await get(url);
    expect(html).toMatchObject({ status: 502, text: "<html>" });
    expect(html.headers.get("content-type")).toBe("text/html");
  });

  it("replaces nextUrl of a normal batch, or leaves it out for undefined", async () => {
    const values = [
      null,
      "",
      "   ",
      42,
      "http://evil.test/events/alice/x/",
      "/events/alice/x/?i=1-0",
    ];
    for (const value of values) {
      sim.inject({ kind: "nextUrl", value });
      const answer = await get(url);
      expect(answer.body).toMatchObject({ nextUrl: value, events: expect.any(Array) });
      expect((answer.body as { events: unknown[] }).events).toHaveLength(2);
    }
    sim.inject({ kind: "nextUrl", value: undefined });
    expect(Object.keys((await get(url)).body as object)).toEqual(["events"]);
  });

  it("answers the cb-events 'waited too long' 400 with an unchanged cursor", async () => {
    sim.inject({ kind: "waitedTooLong" });
    const answer = await get(url);
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ status: "waited too long for events", nextUrl: url, events: [] });
  });

  it("redelivers the previous batch with its nextUrl (duplicate ids)", async () => {
    const first = await poll(url);
    const event = sim.emit("alice", "tip");
    sim.inject({ kind: "redeliver" });
    const again = await poll(first.nextUrl);
    expect(again.events).toEqual(first.events);
    expect(again.nextUrl).toBe(first.nextUrl);
    expect((await poll(again.nextUrl)).events).toEqual([event]);
    expect(cursorOf(again.nextUrl)).toBe(first.events.at(-1)!.id);
  });

  it("logs the fault kind and masks the token in the request log", async () => {
    sim.inject({ kind: "status", status: 504 });
    await get(url);
    const entry = sim.requests.at(-1)!;
    expect(entry).toMatchObject({ username: "alice", status: 504, fault: "status" });
    expect(entry.path).toBe("/events/alice/<token>/");
    expect(entry.query).toMatchObject({ timeout: "0" });
    expect(JSON.stringify(sim.requests)).not.toContain(TOKEN);
  });

  it("rejects malformed faults", () => {
    expect(() => sim.inject({ kind: "status" } as never)).toThrow(/fault.status/);
    expect(() => sim.inject({ kind: "explode" } as never)).toThrow(/fault.kind/);
    expect(() => sim.inject({ kind: "reset" }, { times: 0 })).toThrow(/times/);
  });
});
