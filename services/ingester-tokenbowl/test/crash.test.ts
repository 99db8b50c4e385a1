import { EVENTS_STREAM } from "@castbus/events";
import { startTokenBowlSimulator, type TokenBowlSimulator } from "@castbus/simulators/tokenbowl";
import {
  connectTestNats,
  readStream,
  spawnService,
  startNatsServer,
  waitFor,
  type NatsServerHandle,
  type ServiceProcess,
} from "@castbus/testing";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_KEY, USERNAME, eventId, ingesterEnv, polls } from "./harness.js";

const MAIN = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const TOTAL = 240;

let server: NatsServerHandle;
let sim: TokenBowlSimulator;

beforeAll(async () => {
  server = await startNatsServer();
  sim = await startTokenBowlSimulator({ accounts: [{ username: USERNAME, apiKey: API_KEY }] });
  sim.register("claude_gm");
});
afterAll(async () => {
  await sim?.close();
  await server?.dispose();
});

async function start(): Promise<ServiceProcess> {
  const seen = polls(sim);
  const proc = spawnService(MAIN, {
    env: ingesterEnv(server, sim, { LOG_LEVEL: "info" }),
    name: "ingester",
  });
  await waitFor(() => polls(sim) > seen, { timeoutMs: 15_000, message: "ingester polling" });
  return proc;
}

describe("ingester-tokenbowl as a process", () => {
  it("exits 1 on a refused key when INGEST_EXIT_ON_FATAL is set, saying why without the key", async () => {
    const wrong = "0".repeat(64);
    const proc = spawnService(MAIN, {
      env: ingesterEnv(server, sim, { TOKENBOWL_API_KEY: wrong, INGEST_EXIT_ON_FATAL: "true" }),
      name: "ingester",
    });
    expect((await proc.exited).code).toBe(1);
    const refused = proc.logs().find((l) => String(l["msg"]).startsWith("upstream refused us"));
    expect(JSON.stringify(refused)).toContain("Invalid or missing authentication credentials");
    expect(proc.lines.join("\n")).not.toContain(wrong);
  });

  it("exits 2 listing every configuration problem at once", async () => {
    const proc = spawnService(MAIN, {
      env: { NATS_URL: server.url, TOKENBOWL_POLL_INTERVAL_MS: "5", TOKENBOWL_NAME: "a b" },
      name: "ingester",
    });
    expect((await proc.exited).code).toBe(2);
    const text = proc.lines.join("\n");
    for (const variable of ["TOKENBOWL_API_KEY", "TOKENBOWL_POLL_INTERVAL_MS", "TOKENBOWL_NAME"])
      expect(text).toContain(variable);
  });
});

describe("ingester-tokenbowl under kill -9", () => {
  it("delivers every message exactly once across repeated crashes, resuming from the checkpoint", async () => {
    let proc = await start();
    let posted = 0;
    // 40 messages/s: well inside the 100-message window even while a killed process restarts.
    const producer = setInterval(() => {
      const n = Math.min(2, TOTAL - posted);
      for (let i = 0; i < n; i++) {
        sim.post("claude_gm", `message ${posted + i}`, posted % 7 === 0 ? { to: USERNAME } : {});
      }
      posted += n;
    }, 50);
    try {
      for (let crash = 0; crash < 3; crash++) {
        await new Promise((r) => setTimeout(r, 400 + Math.random() * 400));
        await proc.stop("SIGKILL");
        proc = await start();
        expect(proc.lines.join("\n")).not.toContain(API_KEY);
      }
      await waitFor(() => posted >= TOTAL, { timeoutMs: 20_000 });
    } finally {
      clearInterval(producer);
    }
    const nc = await connectTestNats(server.url);
    try {
      const stored = await waitFor(
        async () => {
          const messages = await readStream(nc, EVENTS_STREAM, "events.tokenbowl.>");
          return messages.length >= TOTAL && messages;
        },
        { timeoutMs: 15_000, message: `all ${TOTAL} messages stored` },
      );
      const ids = stored.map((m) => m.json<{ id: string }>().id);
      expect(new Set(ids).size).toBe(ids.length); // no duplicate on the subjects
      expect(ids.sort()).toEqual(
        sim
          .posted()
          .map((m) => eventId(m.id))
          .sort(),
      ); // none lost
      expect(proc.logs().filter((l) => l["msg"] === "resuming from checkpoint")).toHaveLength(1);
      expect(proc.lines.join("\n")).not.toMatch(/deleted messages before they were read/);
    } finally {
      await proc.stop("SIGTERM");
      await nc.close();
    }
  }, 60_000);
});
