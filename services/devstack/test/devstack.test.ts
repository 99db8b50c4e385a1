import { spawnService, startNatsServer } from "@castbus/testing";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { prettyLine } from "../src/index.js";

const MAIN = fileURLToPath(new URL("../dist/main.js", import.meta.url));

describe("devstack (what npm start runs)", () => {
  it("shows events flowing from the simulator through the ingester to the worker, and stops cleanly on Ctrl-C", async () => {
    const server = await startNatsServer();
    const stack = spawnService(MAIN, {
      env: { NATS_URL: server.url, DEVSTACK_RATE: "20" },
      name: "devstack",
    });
    try {
      await stack.waitForLine((line) => /\[worker\]\s+\S+ event chaturbate\./.test(line), 30_000);
      const exit = await stack.stop("SIGINT");
      expect(exit.code).toBe(0);
      expect(stack.lines.at(-1)).toBe("[devstack] stopped");
      const ingesterStopped = stack.lines.some((l) => /\[ingester-chaturbate\].* stopped$/.test(l));
      expect(ingesterStopped).toBe(true);
    } finally {
      await stack.stop("SIGKILL");
      await server.dispose();
    }
  }, 60_000);
});

describe("prettyLine", () => {
  it("turns a worker's event log line into time, type and summary", () => {
    const line = JSON.stringify({
      level: "info",
      time: "2026-11-23T15:36:10.123Z",
      service: "worker",
      msg: "event",
      type: "chaturbate.tip",
      summary: "bob · 5 tokens",
    });
    expect(prettyLine(line, false)).toBe("15:36:10 event chaturbate.tip bob · 5 tokens");
  });

  it("shows the level of warnings and passes other text through", () => {
    const line = JSON.stringify({
      level: "warn",
      time: "2026-11-23T15:36:10.123Z",
      msg: "retrying",
      attempt: 2,
    });
    expect(prettyLine(line, false)).toBe("15:36:10 WARN retrying attempt=2");
    expect(prettyLine("plain text", false)).toBe("plain text");
  });
});
