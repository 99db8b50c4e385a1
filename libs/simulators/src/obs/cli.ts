import { UsageError } from "../command.js";
import type { FlagValues, RunningSimulator, SimulatorCommand } from "../command.js";
import { startObsDemo } from "./demo.js";
import { ObsSimulatorConfigError } from "./errors.js";
import { DEFAULT_SCENES, type ObsSimulatorOptions } from "./options.js";
import { startObsSimulator } from "./server.js";

/** `castbus-sim obs`: an obs-websocket 5.x server with a `/__sim/` control API and a demo mode. */
export const obsCommand: SimulatorCommand = {
  summary: "obs          OBS Studio obs-websocket 5.x (JSON), /__sim/ control API, --demo",
  usage: [
    "  --port <n>                    WebSocket port (default 4455; 0: a free port)",
    "  --control-port <n>            /__sim/ control API port (default 0: a free port)",
    "  --host <addr>                 interface to bind (default 127.0.0.1)",
    "  --password <text>             require this password (default: authentication off)",
    "  --version <5.x.y>             emulated obs-websocket version (default 5.7.3)",
    "  --demo                        act like a streamer: go live, switch scenes, toggle sources",
    "  --interval-ms <n>             time between demo actions (default 3000)",
  ].join("\n"),
  options: {
    port: { type: "string" },
    "control-port": { type: "string" },
    host: { type: "string" },
    password: { type: "string" },
    version: { type: "string" },
    demo: { type: "boolean" },
    "interval-ms": { type: "string" },
  },
  start: startFromFlags,
};

async function startFromFlags(values: FlagValues): Promise<RunningSimulator> {
  const interval = numberFlag(values, "interval-ms") ?? 3000;
  if (interval < 100) throw new UsageError("--interval-ms must be at least 100");
  const options: Record<string, unknown> = {
    port: numberFlag(values, "port") ?? 4455,
    controlPort: numberFlag(values, "control-port"),
    host: values["host"],
    password: values["password"],
    obsWebSocketVersion: values["version"],
  };
  const simulator = await startObsSimulator(
    // exactOptionalPropertyTypes: leave unset flags out rather than passing undefined.
    Object.fromEntries(
      Object.entries(options).filter(([, v]) => v !== undefined),
    ) as ObsSimulatorOptions,
  ).catch((error: unknown) => {
    throw error instanceof ObsSimulatorConfigError ? new UsageError(error.message) : error;
  });
  const demo =
    values["demo"] === true ? startObsDemo(simulator, DEFAULT_SCENES, interval) : undefined;
  return {
    announcement: {
      simulator: "obs",
      url: simulator.url,
      controlUrl: simulator.controlUrl,
      auth: values["password"] !== undefined,
      demo: demo !== undefined,
    },
    close: async () => {
      demo?.stop();
      await simulator.close();
    },
  };
}

function numberFlag(values: FlagValues, name: string): number | undefined {
  const value = values[name];
  if (value === undefined) return undefined;
  if (typeof value !== "string" || !/^\d+$/.test(value)) {
    throw new UsageError(`--${name} must be a non-negative integer, got ${JSON.stringify(value)}`);
  }
  return Number(value);
}
