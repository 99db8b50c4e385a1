import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { firstFreePort } from "./nats.js";
import { startProcess, type StackProcess } from "./processes.js";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const SIM = join(ROOT, "libs/simulators/dist/main.js");
const service = (name: string) => join(ROOT, "services", name, "dist/main.js");
const WIDTH = "ingester-chaturbate".length;
const secret = (bytes: number) => randomBytes(bytes).toString("hex");
const say = (line: string) => process.stdout.write(`[devstack] ${line}\n`);

/** The running local stack. */
export interface Stack {
  stop(): Promise<void>;
  onUnexpectedExit(handler: () => void): void;
}

/**
 * Starts the simulators, waits for each to announce its address, then starts the ingesters,
 * the gateway and the worker against them. Every credential is random per run.
 */
export async function startStack(natsUrl: string): Promise<Stack> {
  const processes: StackProcess[] = [];
  const start = (
    name: string,
    entry: string,
    options: { args?: string[]; env?: Record<string, string> },
  ) => {
    const proc = startProcess(name, entry, {
      args: options.args ?? [],
      env: options.env ?? {},
      index: processes.length,
      width: WIDTH,
    });
    processes.push(proc);
    return proc;
  };
  const announced = async (proc: StackProcess, key: string) =>
    JSON.parse(await proc.firstLine((line) => line.includes(`"${key}"`))) as Record<string, string>;
  const port = (from: number) => firstFreePort(from).then(String);
  const common = { NATS_URL: natsUrl, LOG_LEVEL: "info" };

  const cb = { user: process.env["DEVSTACK_CB_USERNAME"] ?? "demo_broadcaster", token: secret(12) };
  const tokenbowl = { reader: secret(32), bot: secret(32) };
  const obsPassword = secret(8);
  const rate = process.env["DEVSTACK_RATE"] ?? "2";
  const cbSim = await announced(
    start("sim-chaturbate", SIM, {
      args: [
        "chaturbate",
        "--port",
        await port(8091),
        "--account",
        `${cb.user}:${cb.token}`,
        "--rate",
        rate,
      ],
    }),
    "baseUrl",
  );
  const obsSim = await announced(
    start("sim-obs", SIM, {
      args: ["obs", "--port", await port(4455), "--password", obsPassword, "--demo"],
    }),
    "controlUrl",
  );
  const twitch = {
    client: "castbusdemo",
    clientSecret: secret(15),
    access: secret(15),
    refresh: secret(20),
    broadcaster: "141981764",
  };
  const twitchSim = await announced(
    start("sim-twitch", SIM, {
      args: [
        "twitch",
        "--port",
        await port(8094),
        "--client",
        `${twitch.client}:${twitch.clientSecret}`,
        "--broadcaster",
        `${twitch.broadcaster}:demo_streamer`,
        "--token",
        `${twitch.access}:${twitch.refresh}`,
        "--rate",
        rate,
      ],
    }),
    "eventsubUrl",
  );
  const tbSim = await announced(
    start("sim-tokenbowl", SIM, {
      args: [
        "tokenbowl",
        "--port",
        await port(8093),
        "--account",
        `reader:${tokenbowl.reader}`,
        "--account",
        `castbus_bot:${tokenbowl.bot}`,
        "--demo",
      ],
    }),
    "url",
  );

  const ports = {
    cb: await port(8081),
    obs: await port(8082),
    tb: await port(8083),
    twitch: await port(8086),
    gateway: await port(8000),
    gatewayMetrics: await port(8084),
    worker: await port(8085),
  };
  const gatewayToken = secret(16);
  start("ingester-chaturbate", service("ingester-chaturbate"), {
    env: {
      ...common,
      HTTP_PORT: ports.cb,
      CB_USERNAME: cb.user,
      CB_TOKEN: cb.token,
      CB_BASE_URL: cbSim["baseUrl"]!,
    },
  });
  start("ingester-twitch", service("ingester-twitch"), {
    env: {
      ...common,
      HTTP_PORT: ports.twitch,
      TWITCH_EVENTSUB_URL: twitchSim["eventsubUrl"]!,
      TWITCH_API_URL: twitchSim["apiUrl"]!,
      TWITCH_AUTH_URL: twitchSim["authUrl"]!,
      TWITCH_CLIENT_ID: twitch.client,
      TWITCH_CLIENT_SECRET: twitch.clientSecret,
      TWITCH_ACCESS_TOKEN: twitch.access,
      TWITCH_REFRESH_TOKEN: twitch.refresh,
      TWITCH_BROADCASTER_ID: twitch.broadcaster,
    },
  });
  start("ingester-obs", service("ingester-obs"), {
    env: {
      ...common,
      HTTP_PORT: ports.obs,
      OBS_URL: obsSim["url"]!,
      OBS_PASSWORD: obsPassword,
      OBS_NAME: "studio",
    },
  });
  start("ingester-tokenbowl", service("ingester-tokenbowl"), {
    env: {
      ...common,
      HTTP_PORT: ports.tb,
      TOKENBOWL_URL: tbSim["url"]!,
      TOKENBOWL_API_KEY: tokenbowl.reader,
    },
  });
  start("gateway", service("gateway"), {
    env: {
      ...common,
      HTTP_PORT: ports.gatewayMetrics,
      GATEWAY_PORT: ports.gateway,
      GATEWAY_TOKENS: `devstack:${gatewayToken}`,
    },
  });
  const examples = ["tip-alerts.ts", "thank-followers.ts"].map((file) =>
    join(ROOT, "services/worker/examples", file),
  );
  start("worker", service("worker"), {
    env: {
      ...common,
      HTTP_PORT: ports.worker,
      WORKER_GROUP: "devstack",
      WORKER_HANDLERS: ["log", ...examples].join(","),
      TOKENBOWL_URL: tbSim["url"]!,
      TOKENBOWL_API_KEY: tokenbowl.bot,
    },
  });

  say(
    `metrics: http://127.0.0.1:{${ports.cb},${ports.twitch},${ports.obs},${ports.tb},${ports.gatewayMetrics},${ports.worker}}/metrics`,
  );
  say(
    `send your own event: curl -X POST http://127.0.0.1:${ports.gateway}/v1/events -H 'Authorization: Bearer ${gatewayToken}' -H 'Content-Type: application/json' -d '{"type":"custom.hello","data":{"text":"hi"}}'`,
  );
  say(`subscribe: nats --server ${natsUrl} sub 'events.>'   ·   Ctrl-C stops everything`);
  return {
    // Consumers and producers first (they drain into NATS), the simulators last.
    stop: async () => {
      for (const proc of [...processes].reverse()) await proc.stop();
    },
    onUnexpectedExit: (handler) => {
      for (const proc of processes) proc.child.once("exit", handler);
    },
  };
}
