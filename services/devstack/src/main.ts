#!/usr/bin/env node
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startDevNats, firstFreePort } from "./nats.js";
import { startProcess, type StackProcess } from "./processes.js";

// The local stack behind `npm start`: a private NATS, the Chaturbate simulator producing a
// realistic stream, the Chaturbate ingester pointed at it, and a worker printing every event.
const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const entry = (...parts: string[]) => join(ROOT, ...parts);
const rate = process.env["DEVSTACK_RATE"] ?? "2";
const username = process.env["DEVSTACK_CB_USERNAME"] ?? "demo_broadcaster";
const token = randomBytes(18).toString("base64url").slice(0, 24);
const say = (line: string) => process.stdout.write(`[devstack] ${line}\n`);

const nats = await startDevNats().catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});
say(`NATS ${nats.url} (${nats.how})`);
const [simPort, ingesterPort, workerPort] = [
  await firstFreePort(8091),
  await firstFreePort(8081),
  await firstFreePort(8082),
];
const width = "ingester-chaturbate".length;
const processes: StackProcess[] = [];
let stopping = false;

async function stopAll(code: number): Promise<never> {
  if (stopping) process.exit(code);
  stopping = true;
  say("stopping: worker and ingester first, then the simulator and NATS");
  for (const proc of [...processes].reverse()) await proc.stop();
  await nats.stop();
  say("stopped");
  process.exit(code);
}
process.on("SIGINT", () => void stopAll(0));
process.on("SIGTERM", () => void stopAll(0));

const sim = startProcess("sim", entry("libs/simulators/dist/main.js"), {
  args: [
    "chaturbate",
    "--port",
    String(simPort),
    "--account",
    `${username}:${token}`,
    "--rate",
    rate,
  ],
  env: {},
  index: 0,
  width,
});
processes.push(sim);
const simReady = JSON.parse(await sim.firstLine((l) => l.includes('"baseUrl"'))) as {
  baseUrl: string;
};
const common = { NATS_URL: nats.url, LOG_LEVEL: "info" };
processes.push(
  startProcess("ingester-chaturbate", entry("services/ingester-chaturbate/dist/main.js"), {
    env: {
      ...common,
      HTTP_PORT: String(ingesterPort),
      CB_USERNAME: username,
      CB_TOKEN: token,
      CB_BASE_URL: simReady.baseUrl,
    },
    index: 1,
    width,
  }),
  startProcess("worker", entry("services/worker/dist/main.js"), {
    env: {
      ...common,
      HTTP_PORT: String(workerPort),
      WORKER_GROUP: "devstack",
      WORKER_HANDLERS: "log",
    },
    index: 2,
    width,
  }),
);
say(
  `metrics: ingester http://127.0.0.1:${ingesterPort}/metrics · worker http://127.0.0.1:${workerPort}/metrics`,
);
say(`subscribe: nats --server ${nats.url} sub 'events.>'   ·   Ctrl-C stops everything`);
for (const proc of processes) proc.child.once("exit", () => void (stopping || stopAll(1)));
