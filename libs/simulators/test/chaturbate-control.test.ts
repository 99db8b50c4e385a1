import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startChaturbateSimulator } from "../src/index.js";
import type { ChaturbateSimulator } from "../src/index.js";
import { TOKEN, cursorOf, feedUrl, get, poll, sleep } from "./feed-client.js";

let sim: ChaturbateSimulator;
beforeAll(async () => {
  sim = await startChaturbateSimulator();
});
afterAll(() => sim.close());

async function control(
  method: string,
  route: string,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  const init: RequestInit = { method };
  if (body !== undefined) {
    init.body = typeof body === "string" ? body : JSON.stringify(body);
    init.headers = { "content-type": "application/json" };
  }
  const response = await fetch(`${sim.url}/__sim/${route}`, init);
  return { status: response.status, body: await response.json() };
}

describe("control API", () => {
  it("drives accounts, events, faults, revocation and the generator over HTTP", async () => {
    expect(await control("POST", "accounts", { username: "ctl", token: TOKEN })).toEqual({
      status: 200,
      body: { ok: true },
    });
    const emitted = await control("POST", "emit", {
      username: "ctl",
      method: "tip",
      overrides: { tip: { tokens: 500 } },
    });
    expect(emitted.body).toMatchObject({ method: "tip", object: { tip: { tokens: 500 } } });
    const random = await control("POST", "emit-random", { username: "ctl", count: 4 });
    expect((random.body as { events: unknown[] }).events).toHaveLength(4);
    const raw = await control("POST", "emit-raw", { username: "ctl", item: { method: "odd" } });
    const rawId = (raw.body as { id: string }).id;
    expect(rawId).toMatch(/^\d+-\d+$/);
    const bare = await control("POST", "emit-raw", { username: "ctl", item: 5, withId: false });
    expect(bare.body).toEqual({ id: null });

    const feed = await control("GET", "feed?username=ctl");
    const items = (feed.body as { items: { id: string; item: unknown }[] }).items;
    expect(items).toHaveLength(7);
    expect(items).toEqual(sim.feed("ctl"));
    expect(items[5]).toEqual({ id: rawId, item: { method: "odd", id: rawId } });

    const batch = await poll(feedUrl(sim, "ctl", "?timeout=0"));
    expect(cursorOf(batch.nextUrl)).toBe(items[6]!.id);

    await control("POST", "faults", { fault: { kind: "status", status: 503 }, times: 2 });
    expect((await get(batch.nextUrl)).status).toBe(503);
    expect((await control("DELETE", "faults")).status).toBe(200);
    expect((await get(batch.nextUrl.replace("timeout=0", "timeout=1"))).status).toBe(200);

    await control("POST", "faults", { fault: { kind: "nextUrl" }, username: "ctl" });
    expect(Object.keys((await get(feedUrl(sim, "ctl", "?timeout=0"))).body as object)).toEqual([
      "events",
    ]);

    const logged = await control("GET", "requests");
    const requests = (logged.body as { requests: { status: number }[] }).requests;
    expect(requests.map((r) => r.status)).toEqual([200, 503, 200, 200]);

    expect(
      (await control("POST", "generator", { username: "ctl", ratePerSecond: 50 })).status,
    ).toBe(200);
    await sleep(300);
    await control("POST", "generator", { username: "ctl", ratePerSecond: 0 });
    const generated = sim.feed("ctl").length - 7;
    expect(generated).toBeGreaterThan(5);
    await sleep(150);
    expect(sim.feed("ctl").length - 7).toBe(generated);

    expect((await control("POST", "revoke", { username: "ctl" })).status).toBe(200);
    expect((await get(feedUrl(sim, "ctl", "?timeout=0"))).status).toBe(401);
  });

  it("answers malformed control requests with 400 and a JSON error", async () => {
    const bad: [string, string, unknown][] = [
      ["POST", "accounts", "{not json"],
      ["POST", "accounts", [1, 2]],
      ["POST", "accounts", { username: "x" }],
      ["POST", "accounts", { username: "a/b", token: TOKEN }],
      ["POST", "emit", { username: "ctl", method: "kiss" }],
      ["POST", "emit", { username: "ctl", method: "tip", overrides: 3 }],
      ["POST", "emit-random", { username: "ctl", count: -1 }],
      ["POST", "emit-raw", { username: "ctl" }],
      ["POST", "faults", { fault: { kind: "nope" } }],
      ["POST", "faults", { fault: { kind: "status", status: "500" } }],
      ["POST", "faults", { fault: { kind: "reset" }, times: 0 }],
      ["POST", "generator", { username: "ctl" }],
      ["POST", "revoke", { username: "ctl", afterMs: "soon" }],
    ];
    for (const [method, route, body] of bad) {
      const answer = await control(method, route, body);
      expect({ route, status: answer.status }).toEqual({ route, status: 400 });
      expect(answer.body).toMatchObject({ error: expect.any(String) });
    }
  });

  it("answers 404 for an unknown account or route, 405 for a wrong method", async () => {
    expect((await control("POST", "emit", { username: "ghost", method: "tip" })).status).toBe(404);
    expect((await control("GET", "feed?username=ghost")).status).toBe(404);
    expect((await control("GET", "nothing")).status).toBe(404);
    expect((await control("GET", "emit")).status).toBe(405);
  });
});
