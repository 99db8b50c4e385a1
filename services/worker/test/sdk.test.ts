import { DEAD_LETTERS_STREAM, EVENTS_STREAM } from "@castbus/events";
import { connectNats } from "@castbus/nats";
import { EventRouter, subscribe } from "@castbus/router";
import { createLogger } from "@castbus/telemetry";
import { LineCapture, readStream, waitFor } from "@castbus/testing";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadWorkerConfig } from "../src/config.js";
import { loadHandlers } from "../src/handlers.js";
import { startWorkerStack } from "./harness.js";

let stack: Awaited<ReturnType<typeof startWorkerStack>>;
beforeEach(async () => {
  stack = await startWorkerStack();
});
afterEach(async () => {
  await stack.stop();
});

const example = (name: string) => fileURLToPath(new URL(`../examples/${name}`, import.meta.url));

describe("handler chaining, services and handler modules", () => {
  it("delivers an emitted custom event to its handler, with the cause recorded and no duplicate on redelivery", async () => {
    const alerts: Record<string, unknown>[] = [];
    let attempts = 0;
    const router = new EventRouter()
      .on(
        "chaturbate.tip",
        async (event, ctx) => {
          await ctx.emit("custom.alert", {
            from: event.data.user.username,
            tokens: event.data.tokens,
          });
          attempts += 1;
          if (attempts === 1) throw new Error("fail after emitting, to force a redelivery");
        },
        { name: "alerter" },
      )
      .on("custom.alert", (event) => void alerts.push({ ...event.data, cause: event.causationid }));
    await stack.worker(router, { WORKER_GROUP: "chain" });
    const [tipId] = await stack.publishTips(1, "chain");
    await waitFor(() => attempts === 2 && alerts.length >= 1, { timeoutMs: 10_000 });
    await new Promise((r) => setTimeout(r, 300));
    expect(alerts).toEqual([{ from: "viewer0", tokens: 1, cause: tipId }]);
    const nc = await connectNats(loadWorkerConfig({ NATS_URL: stack.server.url }), {
      name: "check",
    });
    const stored = await readStream(nc, EVENTS_STREAM, "events.custom.alert");
    expect(stored).toHaveLength(1); // the redelivered handler's second emit was deduplicated
    expect(stored[0]!.json()).toMatchObject({
      source: "worker/chain",
      causationid: tipId,
      id: `emit:${tipId}:alerter:1`,
    });
    await nc.close();
  });

  it("gives handlers the services registered on the worker", async () => {
    const greeted: string[] = [];
    const greeter = { greet: (name: string) => void greeted.push(`hello ${name}`) };
    const router = new EventRouter<{ greeter: typeof greeter }>().on(
      "chaturbate.tip",
      (event, ctx) => {
        ctx.services.greeter.greet(event.data.user.username);
      },
    );
    await stack.worker(router as unknown as EventRouter, { WORKER_GROUP: "di" }, { greeter });
    await stack.publishTips(2, "di");
    await waitFor(() => greeted.length === 2);
    expect(greeted.sort()).toEqual(["hello viewer0", "hello viewer1"]);
  });

  it("loads handler modules, which may provide services, and exports per-handler metrics", async () => {
    const logs = new LineCapture();
    const logger = createLogger({ service: "worker", destination: logs });
    const chat = {
      sent: [] as string[],
      sendMessage: async (text: string) => void chat.sent.push(text),
    };
    const { router, services } = await loadHandlers(
      ["log", example("tip-alerts.ts"), example("chat-logger.ts"), example("thank-followers.ts")],
      { logger, env: { ALERT_MIN_TOKENS: "2" }, services: { tokenbowl: chat } },
    );
    expect(router.names()).toEqual([
      "log",
      "tip-alert",
      "cheer-alert",
      "chat-logger",
      "thank-follower",
    ]);
    const worker = await stack.worker(router, { WORKER_GROUP: "modules" }, services);
    await stack.publishTips(3, "modules"); // tokens 1, 2, 3: two reach the alert threshold
    const alerts = await waitFor(async () => {
      const stored = await readStream(worker.nc, EVENTS_STREAM, "events.custom.alert");
      return stored.length === 2 && stored;
    });
    expect(alerts.map((m) => m.json<{ data: { amount: number } }>().data.amount).sort()).toEqual([
      2, 3,
    ]);
    const metrics = await (await fetch(`http://127.0.0.1:${worker.port}/metrics`)).text();
    expect(metrics).toMatch(
      /castbus_handler_calls_total\{consumer="modules",handler="tip-alert",outcome="ok"\} 2/,
    );
    expect(metrics).toMatch(
      /castbus_events_processed_total\{consumer="modules",type="chaturbate.tip",outcome="ok"\} 3/,
    );
  });

  it("refuses a module that exports no handlers, naming it", async () => {
    const logger = createLogger({ service: "worker", level: "silent" });
    const empty = fileURLToPath(new URL("./fixtures/no-handlers.mjs", import.meta.url));
    await expect(loadHandlers([empty], { logger })).rejects.toThrow(
      /no-handlers\.mjs exports no handlers/,
    );
  });

  it("subscribe() binds a router to a durable group in a program of one's own", async () => {
    const nc = await connectNats(loadWorkerConfig({ NATS_URL: stack.server.url }), { name: "sdk" });
    const seen: string[] = [];
    const router = new EventRouter().on("chaturbate.>", (event) => void seen.push(event.id));
    const subscription = await subscribe(router, {
      nc,
      group: "sdk",
      subjects: ["events.chaturbate.>"],
      logger: createLogger({ service: "sdk", level: "silent" }),
    });
    const ids = await stack.publishTips(5, "sdk");
    await waitFor(() => seen.length === 5);
    expect(seen.sort()).toEqual(ids.sort());
    expect(subscription.settings).toMatchObject({ group: "sdk", maxDeliver: 5, concurrency: 16 });
    await subscription.stop();
    await subscription.done;
    expect(await readStream(nc, DEAD_LETTERS_STREAM, "dlq.>")).toEqual([]);
    await nc.close();
  });
});
