import { request } from "node:http";
import { gunzipSync } from "node:zlib";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startChaturbateSimulator } from "../src/index.js";
import type { ChaturbateSimulator } from "../src/index.js";
import { TOKEN, cursorOf, feedUrl, get, poll, sleep } from "./feed-client.js";

let sim: ChaturbateSimulator;
let n = 0;
let user: string;

beforeAll(async () => {
  sim = await startChaturbateSimulator({ backlogSize: 20, maxBatch: 100 });
});
afterAll(() => sim.close());
// A fresh account per test keeps feeds independent without restarting the server.
const fresh = (): string => {
  n += 1;
  user = `room_${n}`;
  sim.addAccount(user, TOKEN);
  return user;
};
afterEach(() => sim.clearFaults());

function compareIds(a: string, b: string): number {
  const [am, as] = a.split("-").map(Number) as [number, number];
  const [bm, bs] = b.split("-").map(Number) as [number, number];
  return am === bm ? as - bs : am - bm;
}

describe("long-poll", () => {
  it("answers a request without i with the newest backlogSize events at once", async () => {
    fresh();
    const emitted = sim.emitRandom(user, 30);
    const batch = await poll(feedUrl(sim, user, "?timeout=5"));
    expect(batch.elapsedMs).toBeLessThan(1000);
    expect(batch.events.map((e) => e.id)).toEqual(emitted.slice(10).map((e) => e.id));
    expect(cursorOf(batch.nextUrl)).toBe(emitted[29]!.id);
  });

  it("repeats the backlog to a restarted client that asks again without i", async () => {
    fresh();
    sim.emitRandom(user, 5);
    const first = await poll(feedUrl(sim, user, "?timeout=5"));
    const second = await poll(feedUrl(sim, user, "?timeout=5"));
    expect(second.events).toEqual(first.events);
  });

  it("holds a long-poll until an event arrives, then answers at once", async () => {
    fresh();
    const [last] = sim.emitRandom(user, 1);
    const pending = poll(feedUrl(sim, user, `?i=${last!.id}&timeout=5`));
    await sleep(300);
    const tip = sim.emit(user, "tip");
    const batch = await pending;
    expect(batch.elapsedMs).toBeGreaterThanOrEqual(250);
    expect(batch.elapsedMs).toBeLessThan(2000);
    expect(batch.events).toEqual([tip]);
    expect(cursorOf(batch.nextUrl)).toBe(tip.id);
  });

  it("waits on an empty feed without i and answers with the first event", async () => {
    fresh();
    const pending = poll(feedUrl(sim, user, "?timeout=5"));
    await sleep(200);
    const event = sim.emit(user, "userEnter");
    expect((await pending).events).toEqual([event]);
  });

  it("answers an empty batch with i unchanged once the timeout passes", async () => {
    fresh();
    const [last] = sim.emitRandom(user, 3).slice(-1);
    const batch = await poll(feedUrl(sim, user, `?i=${last!.id}&timeout=1`));
    expect(batch.elapsedMs).toBeGreaterThanOrEqual(950);
    expect(batch.events).toEqual([]);
    expect(batch.nextUrl).toBe(`${sim.baseUrl}/${user}/${TOKEN}/?i=${last!.id}&timeout=1`);
  });

  it("leaves i out of nextUrl when a request without i times out on an empty feed", async () => {
    fresh();
    const batch = await poll(feedUrl(sim, user, "?timeout=0"));
    expect(batch).toMatchObject({
      events: [],
      nextUrl: `${sim.baseUrl}/${user}/${TOKEN}/?timeout=0`,
    });
  });

  it("chains nextUrl across 1,000 events with no gaps or repeats", async () => {
    fresh();
    const producer = (async () => {
      for (let round = 0; round < 20; round += 1) {
        sim.emitRandom(user, 50);
        await sleep(5);
      }
    })();
    const seen: string[] = [];
    let url = feedUrl(sim, user, "?i=0-0&timeout=2");
    while (seen.length < 1000) {
      const batch = await poll(url);
      expect(batch.events.length).toBeLessThanOrEqual(100);
      seen.push(...batch.events.map((e) => e.id));
      url = batch.nextUrl;
    }
    await producer;
    expect(seen).toEqual(sim.feed(user).map((entry) => entry.id));
    expect(new Set(seen).size).toBe(1000);
  });

  it("returns the same events when the same nextUrl is requested again", async () => {
    fresh();
    const [first] = sim.emitRandom(user, 1);
    sim.emitRandom(user, 7);
    const url = feedUrl(sim, user, `?i=${first!.id}&timeout=5`);
    const a = await poll(url);
    sim.emitRandom(user, 200);
    const b = await poll(url);
    expect(b.events.slice(0, 7)).toEqual(a.events);
    expect(a.events).toHaveLength(7);
  });

  it("caps a batch at maxBatch events and continues on its nextUrl", async () => {
    fresh();
    const emitted = sim.emitRandom(user, 250);
    const first = await poll(feedUrl(sim, user, "?i=0-0&timeout=0"));
    const second = await poll(first.nextUrl);
    expect(first.events.map((e) => e.id)).toEqual(emitted.slice(0, 100).map((e) => e.id));
    expect(second.events[0]!.id).toBe(emitted[100]!.id);
  });

  it("wakes every concurrent waiter on one emit", async () => {
    fresh();
    const [last] = sim.emitRandom(user, 1);
    const waiters = Array.from({ length: 15 }, () =>
      poll(feedUrl(sim, user, `?i=${last!.id}&timeout=5`)),
    );
    await sleep(200);
    const event = sim.emit(user, "chatMessage");
    for (const batch of await Promise.all(waiters)) expect(batch.events).toEqual([event]);
  });

  it("keeps serving after a client aborts a held long-poll", async () => {
    fresh();
    const aborted = fetch(feedUrl(sim, user, "?timeout=5"), { signal: AbortSignal.timeout(100) });
    await expect(aborted).rejects.toThrow();
    await sleep(50);
    const event = sim.emit(user, "follow");
    expect((await poll(feedUrl(sim, user, "?timeout=1"))).events).toEqual([event]);
    const logged = sim.requests.filter((r) => r.username === user);
    expect(logged[0]!.status).toBeNull();
  });

  it("hands out strictly increasing <ms>-<seq> ids, also within one millisecond", () => {
    fresh();
    const ids = sim.emitRandom(user, 2000).map((e) => e.id);
    for (const id of ids) expect(id).toMatch(/^\d{13}-\d+$/);
    for (let k = 1; k < ids.length; k += 1)
      expect(compareIds(ids[k - 1]!, ids[k]!)).toBeLessThan(0);
    expect(ids.some((id) => !id.endsWith("-0"))).toBe(true);
  });

  it("answers 400 to an i that is not <ms>-<seq>", async () => {
    fresh();
    for (const i of ["abc", "1.5", "1625274862454", "1-2-3"]) {
      expect((await get(feedUrl(sim, user, `?i=${i}&timeout=0`))).status).toBe(400);
    }
  });

  it("defaults timeout to 10 and clamps it into 0..maxTimeoutS", async () => {
    fresh();
    sim.emitRandom(user, 1);
    expect((await poll(feedUrl(sim, user))).nextUrl).toMatch(/&timeout=10$/);
    expect((await poll(feedUrl(sim, user, "?timeout=500"))).nextUrl).toMatch(/&timeout=90$/);
    const negative = await poll(feedUrl(sim, user, `?i=${sim.feed(user)[0]!.id}&timeout=-4`));
    expect(negative.nextUrl).toMatch(/&timeout=0$/);
    expect(negative.elapsedMs).toBeLessThan(500);
  });

  it("tolerates a feed URL without the trailing slash", async () => {
    fresh();
    const event = sim.emit(user, "tip");
    const batch = await poll(`${sim.baseUrl}/${user}/${TOKEN}?timeout=0`);
    expect(batch.events).toEqual([event]);
  });

  it("sends the real API's content type and CORS headers, chunked", async () => {
    fresh();
    sim.emitRandom(user, 1);
    const answer = await get(feedUrl(sim, user, "?timeout=0"));
    expect(answer.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(answer.headers.get("access-control-allow-origin")).toBe("*");
    expect(answer.headers.get("access-control-allow-credentials")).toBe("true");
    expect(answer.headers.get("transfer-encoding")).toBe("chunked");
    expect(answer.text.startsWith('{"events":[')).toBe(true);
  });

  it("points nextUrl at the host the client used", async () => {
    fresh();
    sim.emitRandom(user, 1);
    const viaLocalhost = sim.baseUrl.replace("127.0.0.1", "localhost");
    const batch = await poll(`${viaLocalhost}/${user}/${TOKEN}/?timeout=0`);
    expect(batch.nextUrl.startsWith(`${viaLocalhost}/${user}/`)).toBe(true);
  });
});

describe("options", () => {
  it("gzips the body when enabled and the client accepts gzip", async () => {
    const zipped = await startChaturbateSimulator({
      gzip: true,
      accounts: [{ username: "zed", token: TOKEN }],
    });
    try {
      const event = zipped.emit("zed", "chatMessage");
      const raw = await new Promise<{ encoding: string | undefined; body: Buffer }>((resolve) => {
        const url = `${zipped.baseUrl}/zed/${TOKEN}/?timeout=0`;
        request(url, { headers: { "accept-encoding": "gzip" } }, (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("end", () =>
            resolve({ encoding: res.headers["content-encoding"], body: Buffer.concat(chunks) }),
          );
        }).end();
      });
      expect(raw.encoding).toBe("gzip");
      expect(JSON.parse(gunzipSync(raw.body).toString()).events).toEqual([event]);
      expect((await poll(`${zipped.baseUrl}/zed/${TOKEN}/?timeout=0`)).events).toEqual([event]);
    } finally {
      await zipped.close();
    }
  });

  it("uses publicUrl as the nextUrl origin when set", async () => {
    const pub = await startChaturbateSimulator({
      publicUrl: "http://sim.test:8091/",
      accounts: [{ username: "pat", token: TOKEN }],
    });
    try {
      pub.emitRandom("pat", 1);
      const batch = await poll(`${pub.baseUrl}/pat/${TOKEN}/?timeout=0`);
      expect(batch.nextUrl.startsWith(`http://sim.test:8091/events/pat/${TOKEN}/?i=`)).toBe(true);
    } finally {
      await pub.close();
    }
  });

  it("rejects invalid options, listing every problem", async () => {
    await expect(
      startChaturbateSimulator({ backlogSize: -1, maxTimeoutS: 120 }),
    ).rejects.toMatchObject({ name: "SimulatorConfigError", problems: expect.any(Array) });
    await expect(startChaturbateSimulator({ backlogSize: -1, maxTimeoutS: 120 })).rejects.toThrow(
      /backlogSize.*maxTimeoutS/,
    );
  });
});
