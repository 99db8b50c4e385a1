import type { ChaturbateSimulator } from "@castbus/simulators";
import {
  startNatsServer,
  waitFor,
  type NatsServerHandle,
  type ServiceProcess,
} from "@castbus/testing";
import { jetstreamManager } from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  CB_USER,
  chaturbateSimulator,
  emitSteadily,
  expectedIds,
  startChaturbateIngester,
  storedIds,
} from "./harness/chaturbate.js";
import {
  handled,
  metric,
  recorderModule,
  scratchDir,
  startService,
  telemetry,
} from "./harness/processes.js";
import { recordFault, tally } from "./harness/report.js";

let server: NatsServerHandle;
let sim: ChaturbateSimulator;
let nc: NatsConnection;
let procs: ServiceProcess[] = [];
const dir = scratchDir();

beforeEach(async () => {
  server = await startNatsServer();
  sim = await chaturbateSimulator();
  nc = await connect({ servers: server.url, maxReconnectAttempts: -1, reconnectTimeWait: 200 });
});
afterEach(async () => {
  await Promise.all(procs.map((p) => p.stop("SIGKILL")));
  procs = [];
  await nc.close();
  await sim.close();
  await server.dispose();
});

/** A recorder worker; returns the file it logs handled event ids to. */
function startRecorder(
  name: string,
  env: Record<string, string> = {},
): { proc: ServiceProcess; log: string } {
  const log = `${dir}/${name}-${Date.now()}.log`;
  const proc = startService("worker", {
    NATS_URL: server.url,
    WORKER_GROUP: name,
    WORKER_SUBJECTS: "events.chaturbate.>",
    WORKER_HANDLERS: recorderModule(dir),
    HANDLED_LOG: log,
    WORKER_BACKOFF_MS: "100",
    ...env,
  });
  procs.push(proc);
  return { proc, log };
}

async function ingester(env: Record<string, string> = {}): Promise<ServiceProcess> {
  const proc = await startChaturbateIngester(server, sim, env);
  procs.push(proc);
  return proc;
}

/** Distinct ids the recorder handled, once it has handled at least `count`. */
async function deliveredCount(log: string, count: number): Promise<number> {
  return waitFor(
    () => {
      const ids = new Set(handled(log).map((h) => h.id));
      return ids.size >= count && ids.size;
    },
    { timeoutMs: 60_000, message: `worker handled ${count} events` },
  );
}

describe("fault suite: ingester, upstream and broker faults", () => {
  it("kill -9 of the ingester, five times at random points: nothing lost, nothing duplicated", async () => {
    const { log } = startRecorder("kill");
    let current = await ingester();
    const emitting = emitSteadily(sim, 5000, 15);
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setTimeout(r, 200 + Math.random() * 500));
      await current.stop("SIGKILL");
      current = await ingester();
    }
    await emitting;
    const expected = expectedIds(sim);
    const result = tally(expected, await storedIds(nc, expected.length));
    const delivered = await deliveredCount(log, expected.length);
    recordFault({
      fault: "kill -9 ingester-chaturbate ×5 mid-stream",
      sent: expected.length,
      delivered,
      ...result,
    });
    expect(result).toMatchObject({ lost: 0, duplicated: 0 });
  }, 120_000);

  it("an upstream fault storm (429 + Retry-After, 5xx, 52x, resets, truncated bodies, a hang past the timeout): nothing lost, nothing duplicated", async () => {
    const { log } = startRecorder("storm");
    const proc = await ingester();
    const faults = [
      ...[1, 2, 3].map(() => ({ kind: "status" as const, status: 429, retryAfter: "1" })),
      ...[500, 502, 503, 504, 502, 503].map((status) => ({ kind: "status" as const, status })),
      ...[520, 521, 522, 523, 524].map((status) => ({ kind: "status" as const, status })),
      { kind: "reset" as const },
      { kind: "reset" as const },
      { kind: "resetMidBody" as const },
      { kind: "resetMidBody" as const },
      { kind: "body" as const, body: '{"events": [{"method": "tip", "obj' },
      { kind: "hang" as const },
    ];
    const emitting = emitSteadily(sim, 2000, 5);
    for (const fault of faults) {
      sim.inject(fault, { username: CB_USER });
      await new Promise((r) => setTimeout(r, 150));
    }
    await emitting;
    await waitFor(() => sim.requests.filter((r) => r.fault !== undefined).length >= faults.length, {
      timeoutMs: 30_000,
    });
    const expected = expectedIds(sim);
    const result = tally(expected, await storedIds(nc, expected.length));
    const delivered = await deliveredCount(log, expected.length);
    const metrics = (await telemetry(proc, "/metrics")).text;
    const retried = ["rate_limit", "server", "network", "timeout"].reduce(
      (sum, outcome) =>
        sum +
        metric(
          metrics,
          "castbus_upstream_requests_total",
          `source="chaturbate",outcome="${outcome}"`,
        ),
      0,
    );
    recordFault({
      fault: `upstream fault storm (${faults.length} faults: 429×3, 5xx×6, 52x×5, resets×4, truncated body, hang)`,
      sent: expected.length,
      delivered,
      ...result,
      note: `${retried} retried requests`,
    });
    expect(result).toMatchObject({ lost: 0, duplicated: 0 });
    expect(retried).toBeGreaterThanOrEqual(faults.length - 1);
  }, 120_000);

  it("nats-server stopped for 10 s and restarted with its store: nothing lost, nothing duplicated", async () => {
    const { log } = startRecorder("outage");
    await ingester();
    const emitting = emitSteadily(sim, 3000, 2); // ~200 events/s for 15 s
    await new Promise((r) => setTimeout(r, 3000));
    await server.stop();
    await new Promise((r) => setTimeout(r, 10_000));
    await server.restart();
    await emitting;
    const expected = expectedIds(sim);
    const result = tally(expected, await storedIds(nc, expected.length, 90_000));
    const delivered = await deliveredCount(log, expected.length);
    recordFault({
      fault: "nats-server down 10 s, restarted (store kept)",
      sent: expected.length,
      delivered,
      ...result,
    });
    expect(result).toMatchObject({ lost: 0, duplicated: 0 });
  }, 150_000);

  it("nats-server restarted with its store wiped: detected and reported, new events flow again", async () => {
    const { log } = startRecorder("wipe");
    const proc = await ingester();
    await emitSteadily(sim, 300, 10);
    await storedIds(nc, 300);
    const before = expectedIds(sim);
    await server.restart({ wipe: true });
    await proc.waitForLine(
      (_l, json) => /stream EVENTS was recreated/.test(String(json?.["msg"])),
      30_000,
    );
    await emitSteadily(sim, 300, 10);
    const after = expectedIds(sim).filter((id) => !before.includes(id));
    const stored = await storedIds(nc, after.length, 60_000);
    const result = tally(after, stored);
    const metrics = (await telemetry(proc, "/metrics")).text;
    expect(
      metric(metrics, "castbus_nats_store_resets_total"),
      metrics
        .split("\n")
        .filter((l) => l.includes("store_resets"))
        .join("\n"),
    ).toBeGreaterThanOrEqual(1);
    await proc.waitForLine(
      (_l, json) => /checkpoint disappeared/.test(String(json?.["msg"])),
      30_000,
    );
    const delivered = await deliveredCount(log, before.length + after.length);
    recordFault({
      fault: "nats-server restarted with its store wiped",
      sent: after.length,
      delivered: delivered - before.length,
      ...result,
      note: `detected: error log + castbus_nats_store_resets_total; the ${before.length} events stored before the wipe went with the store`,
    });
    expect(result).toMatchObject({ lost: 0, duplicated: 0 });
    const jsm = await jetstreamManager(nc);
    expect((await jsm.streams.info("EVENTS")).state.messages).toBe(after.length);
  }, 120_000);

  it("handlers slower than the ack wait: each event handled once, on its first delivery, all acked", async () => {
    const { log } = startRecorder("slow", {
      WORKER_ACK_WAIT_MS: "1000",
      HANDLER_DELAY_MS: "2500",
      WORKER_CONCURRENCY: "16",
    });
    await ingester();
    await emitSteadily(sim, 48, 8);
    const expected = expectedIds(sim);
    const result = tally(expected, await storedIds(nc, expected.length));
    await deliveredCount(log, expected.length);
    await new Promise((r) => setTimeout(r, 1500)); // time for a wrongful redelivery to show
    const runs = handled(log);
    const jsm = await jetstreamManager(nc);
    const info = await jsm.consumers.info("EVENTS", "slow");
    recordFault({
      fault: "handlers 2.5 s with ack wait 1 s",
      sent: expected.length,
      delivered: new Set(runs.map((r) => r.id)).size,
      ...result,
      note: `${runs.length} handler runs, max attempt ${Math.max(...runs.map((r) => r.attempt))}`,
    });
    expect(runs).toHaveLength(expected.length);
    expect(runs.every((r) => r.attempt === 1)).toBe(true);
    expect(info.num_ack_pending + info.num_pending).toBe(0);
  }, 90_000);
});
