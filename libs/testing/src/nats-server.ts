import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A nats-server owned by one test suite. */
export interface NatsServerHandle {
  readonly url: string;
  readonly port: number;
  /** JetStream store directory (kept across {@link restart} unless wiped). */
  readonly storeDir: string;
  /** Whether this handle can stop and restart the server (false for an external one). */
  readonly private: boolean;
  /** Graceful stop (SIGTERM), waiting for exit. */
  stop(): Promise<void>;
  /** SIGKILL, waiting for exit. */
  kill(): Promise<void>;
  /** Starts the server again on the same port; `wipe` deletes the JetStream store first. */
  restart(options?: { wipe?: boolean }): Promise<void>;
  /** Stops the server and deletes its directory. */
  dispose(): Promise<void>;
}

/** Options of {@link startNatsServer}. */
export interface NatsServerOptions {
  /** Extra nats-server config (accounts, authorization, tls blocks). */
  config?: string;
  /** Extra command-line arguments. */
  args?: string[];
}

/** Where the nats-server binary is: `NATS_SERVER_BIN`, then PATH, then Debian's /usr/sbin. */
export function findNatsServer(): string | undefined {
  const candidates = [
    process.env["NATS_SERVER_BIN"],
    "nats-server",
    "/usr/sbin/nats-server",
    "/usr/local/bin/nats-server",
  ];
  for (const candidate of candidates) {
    if (candidate === undefined || candidate === "") continue;
    const probe = spawnSync(candidate, ["--version"], { encoding: "utf8" });
    if (probe.status === 0) return candidate;
  }
  return undefined;
}

/**
 * Starts a private nats-server with JetStream on a random port and a fresh temp store, so a
 * suite can kill, restart or wipe it without touching anything else. With
 * `CASTBUS_TEST_NATS_URL` set, returns a handle on that external (disposable!) server instead.
 */
export async function startNatsServer(options: NatsServerOptions = {}): Promise<NatsServerHandle> {
  const external = process.env["CASTBUS_TEST_NATS_URL"];
  if (external !== undefined && external !== "" && options.config === undefined)
    return externalServer(external);
  const bin = findNatsServer();
  if (bin === undefined) {
    const { startContainerNatsServer } = await import("./nats-container.js");
    return startContainerNatsServer(options);
  }
  const dir = mkdtempSync(join(tmpdir(), "castbus-nats-"));
  const storeDir = join(dir, "jetstream");
  const port = await freePort();
  const confFile = join(dir, "nats.conf");
  writeFileSync(confFile, `${options.config ?? ""}\njetstream { store_dir: "${storeDir}" }\n`);
  const args = [
    "-a",
    "127.0.0.1",
    "-p",
    String(port),
    "-c",
    confFile,
    "-js",
    ...(options.args ?? []),
  ];
  let child = await launch(bin, args, port);
  const waitExit = async (signal: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill(signal);
    await exited;
  };
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    storeDir,
    private: true,
    stop: () => waitExit("SIGTERM"),
    kill: () => waitExit("SIGKILL"),
    restart: async ({ wipe = false } = {}) => {
      await waitExit("SIGTERM");
      if (wipe) rmSync(storeDir, { recursive: true, force: true });
      child = await launch(bin, args, port);
    },
    dispose: async () => {
      await waitExit("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function launch(bin: string, args: string[], port: number): Promise<ChildProcess> {
  const child = spawn(bin, args, { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`nats-server exited (${child.exitCode}): ${stderr}`);
    if (await canConnect(port)) return child;
    await new Promise((r) => setTimeout(r, 25));
  }
  child.kill("SIGKILL");
  throw new Error(`nats-server did not listen on ${port} within 10 s: ${stderr}`);
}

function externalServer(url: string): NatsServerHandle {
  const unsupported = () =>
    Promise.reject(
      new Error("this test needs a private nats-server (unset CASTBUS_TEST_NATS_URL)"),
    );
  return {
    url,
    port: Number(new URL(url.replace(/^nats:/, "http:")).port || 4222),
    storeDir: "",
    private: false,
    stop: unsupported,
    kill: unsupported,
    restart: unsupported,
    dispose: () => Promise.resolve(),
  };
}

/** A TCP port that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        resolve(typeof address === "object" && address !== null ? address.port : 0),
      );
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: "127.0.0.1" });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** Whether a Docker engine answers (for the testcontainers fallback). */
export function dockerAvailable(): boolean {
  if (!existsSync("/var/run/docker.sock") && process.env["DOCKER_HOST"] === undefined) return false;
  return spawnSync("docker", ["info"], { stdio: "ignore", timeout: 5000 }).status === 0;
}
