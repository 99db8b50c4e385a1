// Runs docker-compose's castbus services as processes instead of containers: the simulators with
// their compose commands (through sh, as in the container), the ingesters, gateway and worker
// with their compose env files, all from a built image tree. Compose's fixed ports become free
// ports and its service names 127.0.0.1, in the commands and in the env files alike.
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { freePort, spawnService, type ServiceProcess } from "@castbus/testing";
import { castbusServiceNames, commandOf, envFilesOf } from "./compose.js";
import { readEnvFile, type Doc } from "./files.js";

/** The running demo. */
export interface ComposeDemo {
  /** Telemetry port of each castbus service (ingesters, gateway, worker). */
  readonly httpPorts: Readonly<Record<string, number>>;
  /** The gateway's API port. */
  readonly gatewayPort: number;
  /** Variables the gateway got from its env files (its demo token). */
  readonly gatewayEnv: Readonly<Record<string, string>>;
  /** SIGTERM to everything; resolves to each process's exit code. */
  stop(): Promise<Record<string, number | null>>;
}

/** Compose ports (`--port 8091`, `sim-twitch:8092`) mapped to free local ports. */
async function portMap(texts: readonly string[]): Promise<Map<string, number>> {
  const ports = new Map<string, number>();
  for (const text of texts) {
    for (const match of text.matchAll(/(?:--(?:control-)?port |sim-[a-z]+:)(\d+)/g)) {
      if (!ports.has(match[1]!)) ports.set(match[1]!, await freePort());
    }
  }
  return ports;
}

function localize(text: string, ports: Map<string, number>): string {
  return text
    .replace(/sim-[a-z]+:(\d+)/g, (_m, port: string) => `127.0.0.1:${ports.get(port) ?? port}`)
    .replace(
      /(--(?:control-)?port )(\d+)/g,
      (_m, flag: string, port: string) => `${flag}${ports.get(port) ?? port}`,
    )
    .replaceAll("0.0.0.0", "127.0.0.1");
}

function envOf(compose: Doc, name: string, ports: Map<string, number>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const file of envFilesOf(compose, name)) {
    for (const [key, value] of Object.entries(readEnvFile(file))) env[key] = localize(value, ports);
  }
  return env;
}

/** Starts the simulators with their compose commands, through sh as their containers do. */
function startSimulators(
  compose: Doc,
  app: string,
  imageEnv: Readonly<Record<string, string>>,
  ports: Map<string, number>,
): Map<string, ChildProcess> {
  const simulators = new Map<string, ChildProcess>();
  for (const name of castbusServiceNames(compose).filter((n) => n.startsWith("sim-"))) {
    const command = localize(commandOf(compose, name), ports).replace(
      "exec node /app/entry.mjs",
      `exec "${process.execPath}" "${join(app, "entry.mjs")}"`,
    );
    const env = { ...imageEnv, ...envOf(compose, name, ports), PATH: process.env["PATH"] ?? "" };
    simulators.set(
      name,
      spawn("sh", ["-c", command], { env, stdio: ["ignore", "ignore", "inherit"] }),
    );
  }
  return simulators;
}

/** SIGTERM, then the exit code. */
async function stopChild(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  return exited;
}

/** Starts every castbus service of `compose` from the image tree in `app`, against `natsUrl`. */
export async function startComposeDemo(
  compose: Doc,
  app: string,
  imageEnv: Readonly<Record<string, string>>,
  natsUrl: string,
): Promise<ComposeDemo> {
  const names = castbusServiceNames(compose);
  const envTexts = names.flatMap((n) =>
    envFilesOf(compose, n).map((f) => Object.values(readEnvFile(f)).join(" ")),
  );
  const ports = await portMap([...names.map((n) => commandOf(compose, n)), ...envTexts]);
  const simulators = startSimulators(compose, app, imageEnv, ports);
  const services = new Map<string, ServiceProcess>();
  const httpPorts: Record<string, number> = {};
  const gatewayPort = await freePort();
  let gatewayEnv: Record<string, string> = {};
  for (const name of names.filter((n) => !n.startsWith("sim-"))) {
    httpPorts[name] = await freePort();
    const env = {
      ...imageEnv,
      ...envOf(compose, name, ports),
      CASTBUS_SERVICE: name,
      NATS_URL: natsUrl,
      HTTP_PORT: String(httpPorts[name]),
      GATEWAY_PORT: String(gatewayPort),
    };
    if (name === "gateway") gatewayEnv = env;
    services.set(name, spawnService(join(app, "entry.mjs"), { env, name }));
  }
  const stop = async () => {
    const codes: Record<string, number | null> = {};
    for (const [name, service] of services) codes[name] = (await service.stop("SIGTERM")).code;
    for (const [name, child] of simulators) codes[name] = await stopChild(child);
    return codes;
  };
  return { httpPorts, gatewayPort, gatewayEnv, stop };
}
