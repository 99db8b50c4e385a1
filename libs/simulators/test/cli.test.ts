import { execFileSync, spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { createInterface } from "node:readline";
import { beforeAll, describe, expect, it } from "vitest";
import { TOKEN, poll, sleep } from "./feed-client.js";

const repoRoot = resolve(import.meta.dirname, "../../..");
const mainJs = resolve(repoRoot, "libs/simulators/dist/main.js");

// The CLI runs from dist, as a supervisor would start it; build first so it is never stale.
beforeAll(() => {
  const tsc = resolve(repoRoot, "node_modules/typescript/bin/tsc");
  execFileSync(process.execPath, [tsc, "-b", "libs/simulators/tsconfig.json"], { cwd: repoRoot });
});

function run(args: string[]): ChildProcess {
  return spawn(process.execPath, [mainJs, ...args], { stdio: ["ignore", "pipe", "pipe"] });
}

async function firstLine(child: ChildProcess): Promise<string> {
  const lines = createInterface({ input: child.stdout! });
  const [line] = (await once(lines, "line")) as [string];
  lines.close();
  return line;
}

async function exitOf(child: ChildProcess): Promise<{ code: number | null; stderr: string }> {
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, "exit")) as [number | null];
  return { code, stderr };
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, "close");
  return port;
}

describe("castbus-sim CLI", () => {
  it("prints one ready line, generates at --rate, and exits 0 on SIGTERM", async () => {
    const port = await freePort();
    const child = run([
      "chaturbate",
      "--port",
      String(port),
      "--account",
      `alice:${TOKEN}`,
      "--rate",
      "40",
    ]);
    const exited = exitOf(child);
    const ready = JSON.parse(await firstLine(child)) as Record<string, string>;
    expect(ready).toEqual({
      simulator: "chaturbate",
      url: `http://127.0.0.1:${port}`,
      baseUrl: `http://127.0.0.1:${port}/events`,
    });
    await sleep(300);
    const batch = await poll(`${ready["baseUrl"]}/alice/${TOKEN}/?timeout=0`);
    expect(batch.events.length).toBeGreaterThan(3);
    child.kill("SIGTERM");
    expect((await exited).code).toBe(0);
  });

  it("exits 0 on SIGINT while a long-poll is held", async () => {
    const child = run(["chaturbate", "--account", `bob:${TOKEN}`, "--backlog", "5"]);
    const exited = exitOf(child);
    const { baseUrl } = JSON.parse(await firstLine(child)) as { baseUrl: string };
    const held = fetch(`${baseUrl}/bob/${TOKEN}/?timeout=30`).catch(() => "dropped");
    await sleep(200);
    child.kill("SIGINT");
    expect((await exited).code).toBe(0);
    expect(await held).toBe("dropped");
  });

  it.each([
    [["twitchy"], /unknown simulator "twitchy"/],
    [[], /unknown simulator ""/],
    [["chaturbate", "--bogus"], /bogus/],
    [["chaturbate", "--rate", "fast"], /--rate must be a non-negative number/],
    [["chaturbate", "--account", "alice"], /--account must be <username>:<token>/],
    [["chaturbate", "--auth-status", "500"], /--auth-status must be 401, 403 or 404/],
    [["chaturbate", "--port", "70000"], /port must be an integer/],
  ])("exits 2 with a one-line error and usage for %j", async (args, message) => {
    const { code, stderr } = await exitOf(run(args));
    expect(code).toBe(2);
    const [first, ...rest] = stderr.split("\n");
    expect(first).toMatch(message);
    expect(first).toMatch(/^castbus-sim: /);
    expect(rest.join("\n")).toContain("usage: castbus-sim <simulator> [flags]");
  });
});
