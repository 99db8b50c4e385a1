import type { CastbusEvent } from "@castbus/events";
import { describe, expect, expectTypeOf, it } from "vitest";
import { EventRouter, HandlerError, HandlerTimeoutError } from "../src/index.js";
import { context, event, memoryLogger } from "./fixtures.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("EventRouter", () => {
  it("runs equal priorities concurrently and finishes a higher priority group before a lower one starts", async () => {
    const log: string[] = [];
    const slow = (name: string, ms: number) => async () => {
      log.push(`${name}:start`);
      await sleep(ms);
      log.push(`${name}:end`);
    };
    const router = new EventRouter()
      .on("chaturbate.>", slow("low", 5), { name: "low", priority: -1 })
      .on("chaturbate.tip", slow("high-a", 30), { name: "high-a", priority: 5 })
      .on("chaturbate.*", slow("high-b", 10), { name: "high-b", priority: 5 })
      .on("chaturbate.tip", slow("mid", 5), { name: "mid" });
    await router.dispatch(event("chaturbate.tip"), context());
    expect(log.slice(0, 2).sort()).toEqual(["high-a:start", "high-b:start"]); // overlapped
    expect(log.indexOf("mid:start")).toBeGreaterThan(log.indexOf("high-a:end"));
    expect(log.indexOf("low:start")).toBeGreaterThan(log.indexOf("mid:end"));
  });

  it("isolates a failing handler: the others still run and the failure is reported with its name and event", async () => {
    const ran: string[] = [];
    const router = new EventRouter()
      .on(
        "obs.>",
        () => {
          throw new Error("boom");
        },
        { name: "broken" },
      )
      .on("obs.>", () => void ran.push("fine"), { name: "fine" })
      .on("obs.>", () => void ran.push("later"), { name: "later", priority: -1 });
    const result = await router.dispatch(event("obs.scene_changed"), context());
    expect(ran).toEqual(["fine", "later"]);
    expect(result.ran).toBe(3);
    expect(result.errors).toHaveLength(1);
    const [error] = result.errors;
    expect(error).toBeInstanceOf(HandlerError);
    expect(error).toMatchObject({
      handlerName: "broken",
      eventType: "obs.scene_changed",
      eventId: "id-obs.scene_changed",
      retryable: true,
    });
    expect((error!.cause as Error).message).toBe("boom");
  });

  it("marks a failure not retryable when the handler's error says so", async () => {
    const router = new EventRouter().on(">", () => {
      throw Object.assign(new Error("bad input"), { retryable: false });
    });
    const { errors } = await router.dispatch(event("custom.x"), context());
    expect(errors[0]!.retryable).toBe(false);
  });

  it("skips a handler whose filters reject the event and runs it when all accept", async () => {
    const seen: number[] = [];
    const router = new EventRouter().on("chaturbate.tip", (e) => void seen.push(e.data.tokens), {
      filter: [(e) => e.data.tokens >= 100, async (e) => !e.data.isAnon],
    });
    const tip = (tokens: number, isAnon = false) => event("chaturbate.tip", { tokens, isAnon });
    await router.dispatch(tip(5), context());
    await router.dispatch(tip(500, true), context());
    const result = await router.dispatch(tip(500), context());
    expect(seen).toEqual([500]);
    expect(result.ran).toBe(1);
    expect(Object.values(router.stats())[0]).toMatchObject({ calls: 1, skipped: 2 });
  });

  it("fails a handler that runs past its time limit and aborts its signal", async () => {
    let aborted = false;
    const router = new EventRouter().on(
      "custom.>",
      async (_e, ctx) => {
        await sleep(200);
        aborted = ctx.signal.aborted;
      },
      { name: "slow", timeoutMs: 20 },
    );
    const { errors } = await router.dispatch(event("custom.slow"), context());
    expect(errors[0]!.cause).toBeInstanceOf(HandlerTimeoutError);
    await sleep(220);
    expect(aborted).toBe(true);
  });

  it("gives handlers a logger bound to them, their attempt, services and an emit that knows the handler", async () => {
    const lines: Record<string, unknown>[] = [];
    const ctx = context({ logger: memoryLogger(lines), attempt: 3, services: { greeting: "hi" } });
    const router = new EventRouter().on(
      "custom.in",
      async (e, c) => {
        c.logger.info({ n: 1 }, "handling");
        await c.emit("custom.out", {
          from: e.id,
          greeting: c.services["greeting"],
          attempt: c.attempt,
        });
      },
      { name: "relay" },
    );
    await router.dispatch(event("custom.in"), ctx);
    expect(lines[0]).toMatchObject({ handler: "relay", eventType: "custom.in", msg: "handling" });
    expect(ctx.emitted).toEqual([
      {
        handler: "relay",
        type: "custom.out",
        data: { from: "id-custom.in", greeting: "hi", attempt: 3 },
      },
    ]);
  });

  it("counts calls, failures and time per handler in stats()", async () => {
    const router = new EventRouter()
      .on("x.>", () => undefined, { name: "ok" })
      .on(
        "x.y",
        () => {
          throw new Error("no");
        },
        { name: "bad" },
      );
    await router.dispatch(event("x.y"), context());
    await router.dispatch(event("x.z"), context());
    const stats = router.stats();
    expect(stats["ok"]).toMatchObject({ calls: 2, failures: 0, pattern: "x.>" });
    expect(stats["bad"]).toMatchObject({ calls: 1, failures: 1 });
    expect(stats["bad"]!.totalMs).toBeGreaterThanOrEqual(0);
  });

  it("refuses two handlers with the same name, and copies handlers from another router", async () => {
    const router = new EventRouter().on("a.b", () => undefined, { name: "h" });
    expect(() => router.on("a.c", () => undefined, { name: "h" })).toThrow(/already registered/);
    const merged = new EventRouter().include(router);
    expect(merged.names()).toEqual(["h"]);
    expect(merged.handles("a.b")).toBe(true);
    expect(merged.handles("a.c")).toBe(false);
  });

  it("infers the event's data type from a pattern that names one type", () => {
    new EventRouter().on("chaturbate.tip", (e) => {
      expectTypeOf(e.data.tokens).toEqualTypeOf<number>();
      expectTypeOf(e.data.user.username).toEqualTypeOf<string>();
    });
    new EventRouter().on("chaturbate.>", (e) => {
      expectTypeOf(e.type).toEqualTypeOf<Extract<CastbusEvent["type"], `chaturbate.${string}`>>();
    });
    new EventRouter().on("custom.alert", (e) => {
      expectTypeOf(e.data).toEqualTypeOf<Record<string, unknown>>();
    });
  });
});
