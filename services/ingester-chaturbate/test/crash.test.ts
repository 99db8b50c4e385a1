import { EVENTS_STREAM } from "@castbus/events";
import { startChaturbateSimulator, type ChaturbateSimulator } from "@castbus/simulators";
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
import { TOKEN, USERNAME, ingesterEnv } from "./harness.js";

const MAIN = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const TOTAL = 3000;

let server: NatsServerHandle;
let sim: ChaturbateSimulator;

beforeAll(async () => {
  server = await startNatsServer();
  sim = await startChaturbateSimulator({ accounts: [{ username: USERNAME, token: TOKEN }] });
});
afterAll(async () => {
  await sim?.close();
  await server?.dispose();
});

async function start(): Promise<ServiceProcess> {
  const seen = sim.requests.length;
  const proc = spawnService(MAIN, {
    env: ingesterEnv(server, sim, { LOG_LEVEL: "info" }),
    name: "ingester",
  });
  await waitFor(() => sim.requests.length > seen, {
    timeoutMs: 15_000,
    message: "ingester polling",
  });
  return proc;
}

describe("ingester-chaturbate as a process", () => {
  it("exits 1 on a refused token when INGEST_EXIT_ON_FATAL is set, saying why without the token", async () => {
    const proc = spawnService(MAIN, {
      env: ingesterEnv(server, sim, {
        CB_TOKEN: "WrongToken0000000000000x",
        INGEST_EXIT_ON_FATAL: "true",
      }),
      name: "ingester",
    });
    const exit = await proc.exited;
    expect(exit.code).toBe(1);
    expect(
      proc
        .logs()
        .some(
          (l) =>
            l["msg"] ===
            "upstream refused us; this source is stopped until its configuration is fixed",
        ),
    ).toBe(true);
    expect(proc.lines.join("\n")).not.toContain("WrongToken0000000000000x");
  });

  it("exits 2 listing every configuration problem at once", async () => {
    const proc = spawnService(MAIN, {
      env: { CB_TIMEOUT_S: "500", NATS_URL: server.url },
      name: "ingester",
    });
    const exit = await proc.exited;
    expect(exit.code).toBe(2);
    const text = proc.lines.join("\n");
    for (const variable of ["CB_USERNAME", "CB_TOKEN", "CB_TIMEOUT_S"])
      expect(text).toContain(variable);
  });
});

describe("ingester-chaturbate under kill -9", () => {
  it("delivers every simulator event exactly once across repeated crashes, resuming from the checkpoint", async () => {
    let proc = await start();
    let emitted = 0;
    const producer = setInterval(() => {
      const n = Math.min(15, TOTAL - emitted);
      if (n > 0) sim.emitRandom(USERNAME, n);
      emitted += n;
    }, 10);
    for (let crash = 0; crash < 4; crash++) {
      await new Promise((r) => setTimeout(r, 200 + Math.random() * 400));
      await proc.stop("SIGKILL");
      proc = await start();
      expect(proc.lines.join("\n")).not.toContain(TOKEN);
    }
    await waitFor(() => emitted >= TOTAL, { timeoutMs: 30_000 });
    clearInterval(producer);
    const nc = await connectTestNats(server.url);
    try {
      const stored = await waitFor(
        async () => {
          const messages = await readStream(nc, EVENTS_STREAM, "events.chaturbate.>");
          return messages.length >= TOTAL && messages;
        },
        { timeoutMs: 30_000, message: `all ${TOTAL} events stored` },
      );
      const ids = stored.map((m) => m.json<{ id: string }>().id);
      const expected = sim.feed(USERNAME).map((entry) => `chaturbate:${USERNAME}:${entry.id}`);
      expect(new Set(ids).size).toBe(ids.length); // no duplicate on the subject
      expect(ids.sort()).toEqual(expected.sort()); // none lost
      const resumed = proc.logs().filter((l) => l["msg"] === "resuming from checkpoint");
      expect(resumed).toHaveLength(1);
    } finally {
      await proc.stop("SIGTERM");
      await nc.close();
    }
  }, 90_000);
});
