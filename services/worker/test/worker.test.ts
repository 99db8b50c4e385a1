import { DEAD_LETTERS_STREAM } from "@castbus/events";
import { EventRouter } from "@castbus/router";
import { readStream, waitFor } from "@castbus/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startWorkerStack } from "./harness.js";

let stack: Awaited<ReturnType<typeof startWorkerStack>>;
beforeEach(async () => {
  stack = await startWorkerStack();
});
afterEach(async () => {
  await stack.stop();
});

describe("worker", () => {
  it("splits one group's events between two replicas, none handled twice", async () => {
    const handledBy: Record<string, string[]> = { a: [], b: [] };
    const routerFor = (replica: "a" | "b") =>
      new EventRouter().on("chaturbate.>", async (event) => {
        handledBy[replica]!.push(event.id);
        await new Promise((r) => setTimeout(r, 2));
      });
    await stack.worker(routerFor("a"), { WORKER_GROUP: "split", WORKER_CONCURRENCY: "4" });
    await stack.worker(routerFor("b"), { WORKER_GROUP: "split", WORKER_CONCURRENCY: "4" });
    const ids = await stack.publishTips(600);
    await waitFor(() => handledBy["a"]!.length + handledBy["b"]!.length >= 600, {
      timeoutMs: 20_000,
    });
    await new Promise((r) => setTimeout(r, 300)); // room for a wrongful second delivery to show up
    const all = [...handledBy["a"]!, ...handledBy["b"]!];
    expect(all).toHaveLength(600);
    expect(new Set(all)).toEqual(new Set(ids));
    expect(handledBy["a"]!.length).toBeGreaterThan(60);
    expect(handledBy["b"]!.length).toBeGreaterThan(60);
  });

  it("retries a throwing handler, then dead-letters the event with the error after max deliveries", async () => {
    const attempts: number[] = [];
    const router = new EventRouter().on(
      "chaturbate.tip",
      (event, ctx) => {
        if (event.id === "poison-0") {
          attempts.push(ctx.attempt);
          throw new Error("tip handler exploded");
        }
      },
      { name: "tip-alert" },
    );
    const worker = await stack.worker(router, { WORKER_GROUP: "poison", WORKER_MAX_DELIVER: "3" });
    await stack.publishTips(1, "poison");
    const [dead] = await waitFor(async () => {
      const messages = await readStream(worker.nc, DEAD_LETTERS_STREAM, "dlq.worker.poison");
      return messages.length > 0 && messages;
    });
    expect(attempts).toEqual([1, 2, 3]);
    expect(dead!.headers).toMatchObject({
      "Castbus-Reason": "handler_failed",
      "Castbus-Handler": "tip-alert",
      "Castbus-Deliveries": "3",
      "Castbus-Consumer": "poison",
      "Castbus-Original-Subject": "events.chaturbate.tip",
      "Castbus-Event-Id": "poison-0",
    });
    expect(dead!.headers["Castbus-Error"]).toContain("tip handler exploded");
    expect(dead!.json()).toMatchObject({ id: "poison-0", type: "chaturbate.tip" });
    await new Promise((r) => setTimeout(r, 300));
    expect(attempts).toHaveLength(3); // acked after dead-lettering: no fourth delivery
  });

  it("dead-letters a schema-invalid event at once without running handlers", async () => {
    let calls = 0;
    const worker = await stack.worker(
      new EventRouter().on(">", () => void calls++),
      { WORKER_GROUP: "strict" },
    );
    await stack.publishRaw(
      "events.chaturbate.tip",
      JSON.stringify({ specversion: "1.0", id: "bad-1", type: "chaturbate.tip" }),
      "bad-1",
    );
    await stack.publishRaw("events.chaturbate.tip", "not json at all", "bad-2");
    const dead = await waitFor(async () => {
      const messages = await readStream(worker.nc, DEAD_LETTERS_STREAM, "dlq.worker.strict");
      return messages.length >= 2 && messages;
    });
    expect(dead.map((m) => m.headers["Castbus-Reason"]).sort()).toEqual(["invalid_json", "schema"]);
    expect(dead.find((m) => m.headers["Castbus-Reason"] === "invalid_json")!.text).toBe(
      "not json at all",
    );
    expect(dead.every((m) => m.headers["Castbus-Deliveries"] === "1")).toBe(true);
    expect(calls).toBe(0);
  });

  it("starts a new group from a point in time (WORKER_START_AT) for replays", async () => {
    await stack.publishTips(5, "old");
    await new Promise((r) => setTimeout(r, 50));
    const from = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 50));
    const recent = await stack.publishTips(3, "new");
    const seen: string[] = [];
    await stack.worker(
      new EventRouter().on(">", (e) => void seen.push(e.id)),
      { WORKER_GROUP: "replay", WORKER_START_AT: from },
    );
    await waitFor(() => seen.length === 3);
    await new Promise((r) => setTimeout(r, 200));
    expect(seen.sort()).toEqual(recent.sort());
  });

  it("keeps castbus_consumer_pending_messages at the group's backlog for autoscaling", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const worker = await stack.worker(
      new EventRouter().on(">", () => gate),
      { WORKER_GROUP: "lag", WORKER_CONCURRENCY: "1" },
    );
    await stack.publishTips(50, "lag");
    const pending = async () => {
      const text = await (await fetch(`http://127.0.0.1:${worker.port}/metrics`)).text();
      return Number(
        /castbus_consumer_pending_messages\{consumer="lag"\} (\d+)/.exec(text)?.[1] ?? -1,
      );
    };
    await waitFor(async () => (await pending()) >= 40, {
      message: "backlog visible",
      timeoutMs: 10_000,
    });
    release();
    await waitFor(async () => (await pending()) === 0, {
      message: "backlog drained",
      timeoutMs: 10_000,
    });
  });
});
