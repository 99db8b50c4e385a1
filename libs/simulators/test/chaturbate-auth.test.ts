import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startChaturbateSimulator } from "../src/index.js";
import type { ChaturbateSimulator } from "../src/index.js";
import { TOKEN, feedUrl, get, poll, sleep } from "./feed-client.js";

const OTHER_TOKEN = "zyxwvutsrqponmlkjihgfedc";

let sim: ChaturbateSimulator;
beforeAll(async () => {
  sim = await startChaturbateSimulator({ accounts: [{ username: "alice", token: TOKEN }] });
});
afterAll(() => sim.close());

describe("auth", () => {
  it("answers 401 with a small JSON body for an unknown user or a wrong token", async () => {
    for (const url of [feedUrl(sim, "nobody"), feedUrl(sim, "alice", "", OTHER_TOKEN)]) {
      const answer = await get(url);
      expect(answer).toMatchObject({ status: 401, body: { status: "Unauthorized" } });
      expect(answer.headers.get("content-type")).toBe("application/json; charset=utf-8");
    }
  });

  it("uses the configured authFailureStatus", async () => {
    const strict = await startChaturbateSimulator({ authFailureStatus: 404 });
    try {
      expect((await get(feedUrl(strict, "nobody"))).status).toBe(404);
    } finally {
      await strict.close();
    }
  });

  it("accepts every token an account holds", async () => {
    sim.addAccount("multi", TOKEN);
    sim.addAccount("multi", OTHER_TOKEN);
    expect((await get(feedUrl(sim, "multi", "?timeout=0", OTHER_TOKEN))).status).toBe(200);
    expect((await get(feedUrl(sim, "multi", "?timeout=0"))).status).toBe(200);
  });

  it("refuses a revoked token, also for a request that holds a cursor", async () => {
    sim.addAccount("gone", TOKEN);
    const [event] = sim.emitRandom("gone", 1);
    const cursorUrl = feedUrl(sim, "gone", `?i=${event!.id}&timeout=0`);
    expect((await get(cursorUrl)).status).toBe(200);
    sim.revokeToken("gone");
    expect((await get(cursorUrl)).status).toBe(401);
    expect((await get(feedUrl(sim, "gone"))).status).toBe(401);
  });

  it("revokes after afterMs, failing a long-poll that is already waiting", async () => {
    sim.addAccount("later", TOKEN);
    const [event] = sim.emitRandom("later", 1);
    sim.revokeToken("later", { afterMs: 400 });
    expect((await get(feedUrl(sim, "later", "?timeout=0"))).status).toBe(200);
    const answer = await get(feedUrl(sim, "later", `?i=${event!.id}&timeout=5`));
    expect(answer.status).toBe(401);
    expect(answer.elapsedMs).toBeGreaterThanOrEqual(350);
    expect(answer.elapsedMs).toBeLessThan(2000);
  });

  it("works again when a revoked account is given a token anew", async () => {
    sim.addAccount("back", TOKEN);
    sim.revokeToken("back");
    sim.addAccount("back", TOKEN);
    expect((await get(feedUrl(sim, "back", "?timeout=0"))).status).toBe(200);
  });
});

describe("rate limit", () => {
  it("answers 429 with Retry-After past rateLimitPerMinute per token", async () => {
    const limited = await startChaturbateSimulator({
      rateLimitPerMinute: 5,
      accounts: [
        { username: "a", token: TOKEN },
        { username: "b", token: OTHER_TOKEN },
      ],
    });
    try {
      const statuses = [];
      for (let k = 0; k < 6; k += 1)
        statuses.push((await get(feedUrl(limited, "a", "?timeout=0"))).status);
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
      const refused = await get(feedUrl(limited, "a", "?timeout=0"));
      const retryAfter = Number(refused.headers.get("retry-after"));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect((await get(feedUrl(limited, "b", "?timeout=0", OTHER_TOKEN))).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});

describe("cursor retention", () => {
  it("answers an expired cursor with expiredCursorStatus and accepts fresh ones", async () => {
    const short = await startChaturbateSimulator({
      cursorRetentionMs: 500,
      expiredCursorStatus: 410,
      accounts: [{ username: "c", token: TOKEN }],
    });
    try {
      const [event] = short.emitRandom("c", 1);
      const cursorUrl = feedUrl(short, "c", `?i=${event!.id}&timeout=0`);
      expect((await get(cursorUrl)).status).toBe(200);
      await sleep(600);
      expect(await get(cursorUrl)).toMatchObject({
        status: 410,
        body: { status: "cursor expired" },
      });
      // The documented fallback: restart from the base URL, which still works.
      expect((await poll(feedUrl(short, "c", "?timeout=0"))).events).toEqual([event]);
    } finally {
      await short.close();
    }
  });

  it("defaults the expired-cursor status to 400", async () => {
    const short = await startChaturbateSimulator({
      cursorRetentionMs: 1000,
      accounts: [{ username: "d", token: TOKEN }],
    });
    try {
      expect((await get(feedUrl(short, "d", "?i=1625274862454-0&timeout=0"))).status).toBe(400);
    } finally {
      await short.close();
    }
  });
});
