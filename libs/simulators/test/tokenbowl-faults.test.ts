import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTokenBowlSimulator, type TokenBowlSimulator } from "../src/tokenbowl/index.js";
import { api } from "./tokenbowl-client.js";

let sim: TokenBowlSimulator;
let key: string;

beforeEach(async () => {
  sim = await startTokenBowlSimulator({ seed: 5 });
  key = sim.register("reader");
  sim.register("alice");
});
afterEach(async () => {
  await sim.close();
});

describe("Token Bowl simulator: faults", () => {
  it("serves a plain-text 500, nginx's HTML 503 and FastAPI detail bodies, matched by path and method", async () => {
    sim.inject({ kind: "status", status: 500 }, { path: "/messages", method: "GET" });
    sim.inject({ kind: "status", status: 503 }, { path: "/messages" });
    sim.inject({ kind: "status", status: 429, retryAfter: "3" });
    expect((await api(sim, "/health")).status).toBe(429);
    const plain = await api(sim, "/messages", { key });
    expect([plain.status, plain.text, plain.headers.get("content-type")]).toEqual([
      500,
      "Internal Server Error",
      "text/plain; charset=utf-8",
    ]);
    const nginx = await api(sim, "/messages", { key });
    expect(nginx.status).toBe(503);
    expect(nginx.text).toContain("<center>nginx</center>");
    expect((await api(sim, "/messages", { key })).status).toBe(200);
    expect(sim.requests.map((r) => r.fault ?? null)).toEqual(["status", "status", "status", null]);
  });

  it("stores a message and then answers 500 with after: true (maybe delivered)", async () => {
    sim.inject({ kind: "status", status: 500, after: true }, { path: "/messages", method: "POST" });
    const res = await api(sim, "/messages", { key, body: { content: "did it arrive?" } });
    expect(res.status).toBe(500);
    expect(sim.messages().map((m) => m.content)).toEqual(["did it arrive?"]);
  });

  it("cuts a body in half, delays, resets, and posts messages just before answering", async () => {
    sim.post("alice", "hello");
    sim.inject({ kind: "malformed" });
    const cut = await api(sim, "/messages", { key });
    expect(cut.status).toBe(200);
    expect(cut.json).toBeUndefined();
    sim.inject({ kind: "delay", ms: 200 });
    const started = Date.now();
    expect((await api(sim, "/messages", { key })).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    sim.inject({ kind: "reset" });
    await expect(api(sim, "/messages", { key })).rejects.toThrow();
    sim.inject({ kind: "arrive", count: 3 });
    expect((await api(sim, "/messages", { key })).json.pagination.total).toBe(4);
  });

  it("rejects an unknown fault kind or a bad field", () => {
    expect(() => sim.inject({ kind: "explode" } as never)).toThrow(/fault.kind/);
    expect(() => sim.inject({ kind: "status", status: 99 })).toThrow(/fault.status/);
  });
});

describe("Token Bowl simulator: control API", () => {
  it("drives users, messages, floods, faults and legacy mode over /__sim/", async () => {
    const control = (path: string, body?: unknown) =>
      api(sim, `/__sim/${path}`, body === undefined ? {} : { body });
    const { json: created } = await control("users", { username: "carol" });
    expect(created.apiKey).toMatch(/^[0-9a-f]{64}$/);
    expect(
      (await control("messages", { from: "carol", text: "hi", to: "reader" })).json,
    ).toMatchObject({ message_type: "direct" });
    expect((await control("messages", { from: "nobody", text: "hi" })).status).toBe(404);
    expect((await control("messages/raw", { item: { id: "x", content: 1 } })).status).toBe(200);
    expect((await control("flood", { count: 3 })).json.messages).toHaveLength(3);
    expect(
      (await control("faults", { fault: { kind: "status", status: 502 }, path: "/health" })).status,
    ).toBe(200);
    expect((await api(sim, "/health")).status).toBe(502);
    expect((await control("legacy", { enabled: true })).status).toBe(200);
    // Oldest-first now: the raw item, then the three flood messages in the 6-field shape.
    const legacy = (await api(sim, "/messages", { key })).json.messages;
    expect(Object.keys(legacy.at(-1))).toHaveLength(6);
    const { json: stored } = await control("messages");
    expect(stored.messages).toHaveLength(5);
    expect((await control("users/regenerate-key", { username: "carol" })).json.apiKey).not.toBe(
      created.apiKey,
    );
    expect((await control("faults", { fault: { kind: "nope" } })).status).toBe(400);
    expect((await control("requests")).json.requests.length).toBeGreaterThan(0);
  });
});

describe("Token Bowl simulator: webhooks", () => {
  it("POSTs room messages to every other non-viewer's webhook, retrying a failure, inside the request", async () => {
    const received: { path: string; body: string }[] = [];
    let failures = 1;
    const hook = createServer((req: IncomingMessage, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString()));
      req.on("end", () => {
        received.push({ path: req.url ?? "", body });
        res.writeHead(failures-- > 0 ? 500 : 200).end();
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, "127.0.0.1", resolve));
    const base = `http://127.0.0.1:${(hook.address() as AddressInfo).port}`;
    try {
      sim.register("carol", { webhookUrl: `${base}/carol` });
      sim.register("vic", { role: "viewer", webhookUrl: `${base}/vic` });
      const sender = sim.register("dave", { webhookUrl: `${base}/dave` });
      const res = await api(sim, "/messages", { key: sender, body: { content: "hook me" } });
      expect(res.status).toBe(201);
      expect(received.map((r) => r.path)).toEqual(["/carol", "/carol"]);
      expect(JSON.parse(received[1]!.body)).toMatchObject({ id: res.json.id, content: "hook me" });
    } finally {
      hook.close();
    }
  });
});
