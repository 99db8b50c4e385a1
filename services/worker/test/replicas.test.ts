import { EVENTS_STREAM } from "@castbus/events";
import { connectTestNats, spawnService, waitFor, type ServiceProcess } from "@castbus/testing";
import { jetstreamManager } from "@nats-io/jetstream";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startWorkerStack } from "./harness.js";

const MAIN = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const HANDLERS = fileURLToPath(new URL("./fixtures/record-handlers.mjs", import.meta.url));
const TOTAL = 300;

let stack: Awaited<ReturnType<typeof startWorkerStack>>;
let replicas: ServiceProcess[] = [];
beforeEach(async () => {
  stack = await startWorkerStack();
});
afterEach(async () => {
  await Promise.all(replicas.map((r) => r.stop("SIGKILL")));
  replicas = [];
  await stack.stop();
});

function records(file: string): { started: string[]; done: string[] } {
  let text = "";
  try {
    text = readFileSync(file, "utf8");
  } catch {
    // not written yet
  }
  const lines = text.split("\n").filter((l) => l.length > 0);
  return {
    started: lines.filter((l) => l.startsWith("start ")).map((l) => l.slice(6)),
    done: lines.filter((l) => l.startsWith("done ")).map((l) => l.slice(5)),
  };
}

describe("worker replicas (separate processes)", () => {
  it("three replicas share a group: every event handled, none twice, all acked — and a replica killed mid-handler has its events redelivered to the others", async () => {
    const dir = mkdtempSync(join(tmpdir(), "castbus-replicas-"));
    const logs = ["a", "b", "c"].map((name) => join(dir, `${name}.log`));
    replicas = logs.map((file, i) =>
      spawnService(MAIN, {
        name: `worker-${i}`,
        env: {
          NATS_URL: stack.server.url,
          HTTP_PORT: "0",
          WORKER_GROUP: "replicas",
          WORKER_HANDLERS: HANDLERS,
          WORKER_CONCURRENCY: "4",
          WORKER_ACK_WAIT_MS: "1500",
          HANDLED_LOG: file,
          HANDLER_DELAY_MS: "40",
          LOG_LEVEL: "warn",
        },
      }),
    );
    await waitFor(async () => {
      const nc = await connectTestNats(stack.server.url);
      try {
        return (
          (await (await jetstreamManager(nc)).consumers.info(EVENTS_STREAM, "replicas")).name ===
          "replicas"
        );
      } finally {
        await nc.close();
      }
    });
    const ids = await stack.publishTips(TOTAL, "rep");
    const victim = logs[0]!;
    await waitFor(() => records(victim).started.length > records(victim).done.length, {
      timeoutMs: 10_000,
      intervalMs: 5,
      message: "victim mid-handler",
    });
    await replicas[0]!.stop("SIGKILL");
    const victimAtDeath = records(victim);
    const inFlight = victimAtDeath.started.filter((id) => !victimAtDeath.done.includes(id));
    expect(inFlight.length).toBeGreaterThan(0);
    const survivors = () => logs.slice(1).flatMap((file) => records(file).done);
    await waitFor(() => new Set([...victimAtDeath.done, ...survivors()]).size === TOTAL, {
      timeoutMs: 30_000,
      message: "all events handled",
    });
    const handled = [...victimAtDeath.done, ...survivors()];
    expect(new Set(handled)).toEqual(new Set(ids));
    for (const id of inFlight) expect(survivors()).toContain(id); // redelivered to the others
    const twice = handled.filter((id, i) => handled.indexOf(id) !== i);
    // Only an event the victim finished but could not ack before it died may run twice.
    for (const id of twice) expect(victimAtDeath.done).toContain(id);
    const nc = await connectTestNats(stack.server.url);
    await waitFor(
      async () => {
        const info = await (await jetstreamManager(nc)).consumers.info(EVENTS_STREAM, "replicas");
        return info.num_pending === 0 && info.num_ack_pending === 0;
      },
      { message: "every event acked" },
    );
    await nc.close();
    expect(records(logs[1]!).done.length).toBeGreaterThan(0);
    expect(records(logs[2]!).done.length).toBeGreaterThan(0);
  }, 60_000);
});
