import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The broker the devstack runs on. */
export interface DevNats {
  readonly url: string;
  readonly how: string;
  stop(): Promise<void>;
}

const INSTALL_HELP = `castbus needs a NATS server with JetStream for the local stack, and found none.
Install one of:
  - the nats-server binary: Debian/Ubuntu "sudo apt-get install nats-server",
    macOS "brew install nats-server", or a release from https://github.com/nats-io/nats-server/releases
  - Docker (the devstack then runs the nats:2.10-alpine image)
or point NATS_URL at a server you run yourself (it must have JetStream enabled).`;

/**
 * Starts a private nats-server with JetStream (the binary, else Docker), or uses `NATS_URL` when
 * set. The store lives in a temp directory, so each `npm start` begins with empty streams.
 */
export async function startDevNats(): Promise<DevNats> {
  const external = process.env["NATS_URL"];
  if (external !== undefined && external !== "")
    return { url: external, how: "NATS_URL", stop: async () => undefined };
  const port = await firstFreePort(4222);
  const bin = ["nats-server", "/usr/sbin/nats-server", "/usr/local/bin/nats-server"].find(
    (candidate) => spawnSync(candidate, ["--version"]).status === 0,
  );
  if (bin !== undefined) {
    const store = join(tmpdir(), `castbus-devstack-${process.pid}`);
    mkdirSync(store, { recursive: true });
    const child = spawn(bin, ["-a", "127.0.0.1", "-p", String(port), "-js", "-sd", store], {
      stdio: "ignore",
      detached: true,
    });
    await waitForPort(port, child);
    const stop = async () => {
      await stopChild(child);
      rmSync(store, { recursive: true, force: true });
    };
    return { url: `nats://127.0.0.1:${port}`, how: `${bin}, store ${store}`, stop };
  }
  if (spawnSync("docker", ["info"], { stdio: "ignore", timeout: 5000 }).status === 0) {
    const name = `castbus-devstack-nats-${process.pid}`;
    const started = spawnSync("docker", [
      "run",
      "-d",
      "--rm",
      "--name",
      name,
      "-p",
      `127.0.0.1:${port}:4222`,
      "nats:2.10-alpine",
      "-js",
    ]);
    if (started.status === 0) {
      await waitForPort(port);
      return {
        url: `nats://127.0.0.1:${port}`,
        how: "docker nats:2.10-alpine",
        stop: async () => void spawnSync("docker", ["stop", name]),
      };
    }
  }
  throw new Error(INSTALL_HELP);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
  await exited;
  clearTimeout(timer);
}

async function waitForPort(port: number, child?: ChildProcess): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (child !== undefined && child.exitCode !== null)
      throw new Error(`nats-server exited with ${child.exitCode}`);
    if (await canConnect(port)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`NATS did not listen on port ${port} within 10 s`);
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

/** The first free TCP port at or after `from` (so the default is stable: 4222 unless taken). */
export async function firstFreePort(from: number): Promise<number> {
  for (let port = from; port < from + 100; port++) {
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once("error", () => resolve(false));
      server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error(`no free port in ${from}..${from + 99}`);
}
