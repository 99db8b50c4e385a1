import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { prefix, prettyLine } from "./pretty.js";

/** A child process of the stack, with its output shown prefixed and pretty-printed. */
export interface StackProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** Resolves with the first output line `match` accepts. */
  firstLine(match: (line: string) => boolean): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Starts `node <entry> <args>` in its own process group (so Ctrl-C reaches only the devstack,
 * which then stops the children in order) and pipes its output through the pretty printer.
 */
export function startProcess(
  name: string,
  entry: string,
  options: { args?: string[]; env: Record<string, string>; index: number; width: number },
): StackProcess {
  const color = process.stdout.isTTY === true;
  const child = spawn(process.execPath, [entry, ...(options.args ?? [])], {
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const label = prefix(name, options.index, options.width, color);
  const watchers = new Set<(line: string) => void>();
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on("line", (line) => {
      process.stdout.write(`${label} ${prettyLine(line, color)}\n`);
      for (const watch of watchers) watch(line);
    });
  }
  child.on("exit", (code, signal) => {
    if (code !== 0 && signal !== "SIGTERM")
      process.stdout.write(`${label} exited (${code ?? signal})\n`);
  });
  return {
    name,
    child,
    firstLine: (match) =>
      new Promise((resolve, reject) => {
        const watch = (line: string) => {
          if (!match(line)) return;
          watchers.delete(watch);
          resolve(line);
        };
        watchers.add(watch);
        child.once("exit", () => reject(new Error(`${name} exited before it was ready`)));
      }),
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 25_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
