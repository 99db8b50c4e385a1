import { EVENTS_STREAM } from "@castbus/events";
import type { ChaturbateSimulator } from "@castbus/simulators";
import { startTokenBowlSimulator } from "@castbus/simulators/tokenbowl";
import {
  readStream,
  startNatsServer,
  waitFor,
  type NatsServerHandle,
  type ServiceProcess,
} from "@castbus/testing";
import { jetstreamManager } from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  chaturbateSimulator,
  emitSteadily,
  expectedIds,
  startChaturbateIngester,
  storedIds,
} from "./harness/chaturbate.js";
import { handled, recorderModule, scratchDir, startService } from "./harness/processes.js";
import { recordFault, tally } from "./harness/report.js";

let server: NatsServerHandle;
let nc: NatsConnection;
let procs: ServiceProcess[] = [];
const dir = scratchDir();

beforeEach(async () => {
  server = await startNatsServer();
  nc = await connect({ servers: server.url });
});
afterEach(async () => {
  await Promise.all(procs.map((p) => p.stop("SIGKILL")));
  procs = [];
  await nc.close();
  await server.dispose();
});

describe("fault suite: consumers and a second pull source", () => {
  it("kill -9 of one of three workers mid-handler: every event handled, acked, and only the killed worker's unacked ones run twice", async () => {
    let sim: ChaturbateSimulator | undefined;
    try {
      sim = await chaturbateSimulator();
      const logs = ["a", "b", "c"].map((name) => `${dir}/workers-${name}-${Date.now()}.log`);
      const workers = logs.map((log) =>
        startService("worker", {
          NATS_URL: server.url,
          WORKER_GROUP: "replicas",
          WORKER_SUBJECTS: "events.chaturbate.>",
          WORKER_HANDLERS: recorderModule(dir),
          HANDLED_LOG: log,
          HANDLER_DELAY_MS: "30",
          WORKER_CONCURRENCY: "4",
          WORKER_ACK_WAIT_MS: "1500",
        }),
      );
      procs.push(...workers);
      procs.push(await startChaturbateIngester(server, sim));
      await emitSteadily(sim, 1500, 30);
      await waitFor(() => handled(logs[0]!).length > 50, { timeoutMs: 20_000 });
      await workers[0]!.stop("SIGKILL");
      const finishedByVictim = new Set(handled(logs[0]!).map((h) => h.id));
      const expected = expectedIds(sim);
      const ingest = tally(expected, await storedIds(nc, expected.length));
      const all = () => logs.flatMap((log) => handled(log).map((h) => h.id));
      await waitFor(() => new Set(all()).size >= expected.length, {
        timeoutMs: 60_000,
        message: "every event handled",
      });
      const runs = all();
      const twice = runs.filter((id, i) => runs.indexOf(id) !== i);
      const jsm = await jetstreamManager(nc);
      await waitFor(
        async () => {
          const info = await jsm.consumers.info(EVENTS_STREAM, "replicas");
          return info.num_pending + info.num_ack_pending === 0;
        },
        { message: "every event acked" },
      );
      recordFault({
        fault: "kill -9 of one of three workers mid-handler",
        sent: expected.length,
        published: ingest.published,
        delivered: new Set(runs).size,
        lost: ingest.lost + (expected.length - new Set(runs).size),
        duplicated: ingest.duplicated,
        note: `${twice.length} handler re-runs (only events the killed worker finished but had not acked may run twice)`,
      });
      expect(ingest).toMatchObject({ lost: 0, duplicated: 0 });
      expect(new Set(runs).size).toBe(expected.length);
      for (const id of twice) expect(finishedByVictim).toContain(id);
    } finally {
      await sim?.close();
    }
  }, 120_000);

  it("kill -9 of ingester-tokenbowl three times while the chat flows: every message once", async () => {
    const apiKey = "7a".repeat(32);
    const sim = await startTokenBowlSimulator({
      accounts: [{ username: "castbus_reader", apiKey }],
    });
    sim.register("claude_gm");
    try {
      const env = {
        NATS_URL: server.url,
        TOKENBOWL_URL: sim.url,
        TOKENBOWL_API_KEY: apiKey,
        TOKENBOWL_NAME: "faults",
        TOKENBOWL_POLL_INTERVAL_MS: "100",
        TOKENBOWL_RETRY_BACKOFF_MS: "50",
      };
      let proc = startService("ingester-tokenbowl", env);
      procs.push(proc);
      let posted = 0;
      const producer = setInterval(() => {
        if (posted >= 300) return;
        sim.post(
          "claude_gm",
          `message ${posted}`,
          posted % 5 === 0 ? { to: "castbus_reader" } : {},
        );
        posted += 1;
      }, 25); // 40 messages/s: inside the server's 100-message window even across a restart
      for (let i = 0; i < 3; i++) {
        await new Promise((r) => setTimeout(r, 1500 + Math.random() * 1000));
        await proc.stop("SIGKILL");
        proc = startService("ingester-tokenbowl", env);
        procs.push(proc);
      }
      await waitFor(() => posted >= 300, { timeoutMs: 30_000 });
      clearInterval(producer);
      const expected = sim.posted().map((m) => `tokenbowl:faults:${m.id}`);
      const stored = await waitFor(
        async () => {
          const ids = (await readStream(nc, EVENTS_STREAM, "events.tokenbowl.>")).map(
            (m) => m.json<{ id: string }>().id,
          );
          return new Set(ids).size >= expected.length && ids;
        },
        { timeoutMs: 30_000, message: "every message stored" },
      );
      const result = tally(expected, stored);
      recordFault({
        fault: "kill -9 ingester-tokenbowl ×3 mid-chat",
        sent: expected.length,
        delivered: result.published,
        ...result,
      });
      expect(result).toMatchObject({ lost: 0, duplicated: 0 });
    } finally {
      await sim.close();
    }
  }, 90_000);
});
