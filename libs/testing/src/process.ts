import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { archiveLines, archiveSecrets, secretValues } from "./archive.js";

/** A service process started by a test, with its output captured line by line. */
export interface ServiceProcess {
  readonly pid: number;
  /** Every stdout and stderr line so far (for secret scans and assertions). */
  readonly lines: readonly string[];
  /** stdout lines parsed as JSON (pino logs); unparsable lines are skipped. */
  logs(): Record<string, unknown>[];
  /** Resolves with the first line (parsed JSON when possible) that `match` accepts. */
  waitForLine(
    match: (line: string, json: Record<string, unknown> | undefined) => boolean,
    timeoutMs?: number,
  ): Promise<string>;
  /** Sends `signal` and waits for exit. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Options of {@link spawnService}. */
export interface SpawnOptions {
  env: Record<string, string>;
  /** Echo output to this process's stderr, prefixed (debugging). Default: `CASTBUS_TEST_ECHO`. */
  echo?: boolean;
  name?: string;
}

/**
 * Runs `node <entry>` (a built service's `dist/main.js`) with exactly the given environment plus
 * PATH, so a test controls all config. Captures output for assertions.
 */
export function spawnService(entry: string, options: SpawnOptions): ServiceProcess {
  archiveSecrets(secretValues(options.env));
  const child: ChildProcess = spawn(process.execPath, [entry], {
    env: { PATH: process.env["PATH"] ?? "", ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  const watchers = new Set<(line: string) => void>();
  const echo = options.echo ?? process.env["CASTBUS_TEST_ECHO"] === "1";
  for (const stream of [child.stdout, child.stderr]) {
    if (stream === null) continue;
    createInterface({ input: stream }).on("line", (line) => {
      lines.push(line);
      archiveLines([line]);
      if (echo) process.stderr.write(`[${options.name ?? entry}] ${line}\n`);
      for (const watcher of watchers) watcher(line);
    });
  }
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  return {
    pid: child.pid ?? -1,
    lines,
    exited,
    logs: () => lines.flatMap((line) => (parseJson(line) === undefined ? [] : [parseJson(line)!])),
    waitForLine: (match, timeoutMs = 15_000) =>
      new Promise((resolve, reject) => {
        const check = (line: string) => {
          if (!match(line, parseJson(line))) return false;
          cleanup();
          resolve(line);
          return true;
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(
            new Error(
              `no matching line from ${options.name ?? entry} within ${timeoutMs} ms; last lines:\n${lines.slice(-15).join("\n")}`,
            ),
          );
        }, timeoutMs);
        const watcher = (line: string) => void check(line);
        const cleanup = () => {
          clearTimeout(timer);
          watchers.delete(watcher);
        };
        if (lines.some(check)) return;
        watchers.add(watcher);
      }),
    stop: async (signal = "SIGTERM") => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

function parseJson(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith("{")) return undefined;
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
