import { findSecret, spawnService } from "@castbus/testing";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import {
  ACCESS_TOKEN,
  CLIENT_SECRET,
  REFRESH_TOKEN,
  enabledSubscriptions,
  eventsOnStream,
  ingesterEnv,
  startStack,
  type Stack,
} from "./harness.js";

// The built entry point (the nx test target builds first).
const MAIN = fileURLToPath(new URL("../dist/main.js", import.meta.url));

let stack: Stack | undefined;

afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

describe("ingester-twitch as a process", () => {
  it("publishes from dist/main.js and exits 0 on SIGTERM, without a secret in its output", async () => {
    stack = await startStack();
    const proc = spawnService(MAIN, {
      env: ingesterEnv(stack.server, stack.sim, { LOG_LEVEL: "debug" }),
      name: "ingester-twitch",
    });
    await enabledSubscriptions(stack.sim, 11, 15_000);
    stack.sim.emit("channel.raid");
    await eventsOnStream(stack, 1);
    const exit = await proc.stop("SIGTERM");
    expect(exit.code).toBe(0);
    expect(proc.logs().some((l) => l["msg"] === "stopping")).toBe(true);
    for (const secret of [ACCESS_TOKEN, REFRESH_TOKEN, CLIENT_SECRET]) {
      expect(findSecret(proc.lines, secret)).toEqual([]);
    }
  });

  it("exits 1 on a revoked token when INGEST_EXIT_ON_FATAL is set, saying why", async () => {
    stack = await startStack();
    const proc = spawnService(MAIN, {
      env: ingesterEnv(stack.server, stack.sim, { INGEST_EXIT_ON_FATAL: "true" }),
      name: "ingester-twitch",
    });
    await enabledSubscriptions(stack.sim, 11, 15_000);
    stack.sim.revokeToken(ACCESS_TOKEN);
    const exit = await proc.exited;
    expect(exit.code).toBe(1);
    const refused = proc
      .logs()
      .find(
        (l) =>
          l["msg"] ===
          "upstream refused us; this source is stopped until its configuration is fixed",
      );
    expect(JSON.stringify(refused)).toMatch(/Invalid refresh token/);
  });

  it("exits 2 listing every configuration problem", async () => {
    const proc = spawnService(MAIN, {
      env: { TWITCH_CLIENT_ID: "not valid!", TWITCH_EVENTS: "twitch.nope" },
      name: "ingester-twitch",
    });
    const exit = await proc.exited;
    expect(exit.code).toBe(2);
    const text = proc.lines.join("\n");
    for (const variable of ["TWITCH_CLIENT_ID", "TWITCH_ACCESS_TOKEN", "TWITCH_EVENTS"]) {
      expect(text).toContain(variable);
    }
  });
});
