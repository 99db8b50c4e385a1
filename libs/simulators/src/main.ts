#!/usr/bin/env node
import { parseArgs } from "node:util";
import { chaturbateCommand } from "./chaturbate/cli.js";
import { obsCommand } from "./obs/cli.js";
import { tokenbowlCommand } from "./tokenbowl/cli.js";
import { twitchCommand } from "./twitch/cli.js";
import { UsageError } from "./command.js";
import type { RunningSimulator, SimulatorCommand } from "./command.js";

// One entry per simulator.
const COMMANDS: Readonly<Record<string, SimulatorCommand>> = {
  chaturbate: chaturbateCommand,
  obs: obsCommand,
  tokenbowl: tokenbowlCommand,
  twitch: twitchCommand,
};

function usage(): string {
  const lines = ["usage: castbus-sim <simulator> [flags]", "", "simulators:"];
  for (const [name, command] of Object.entries(COMMANDS)) {
    lines.push(`  ${command.summary}`, "", `${name} flags:`, command.usage, "");
  }
  return lines.join("\n");
}

async function start(argv: readonly string[]): Promise<RunningSimulator> {
  const [name, ...rest] = argv;
  const command = name === undefined ? undefined : COMMANDS[name];
  if (command === undefined) {
    throw new UsageError(`unknown simulator ${JSON.stringify(name ?? "")}`);
  }
  try {
    const { values } = parseArgs({ args: rest, options: command.options, strict: true });
    return await command.start(values);
  } catch (error) {
    // parseArgs reports unknown flags and missing values with ERR_PARSE_ARGS_* codes.
    const code = (error as { code?: unknown }).code;
    if (typeof code === "string" && code.startsWith("ERR_PARSE_ARGS")) {
      throw new UsageError((error as Error).message);
    }
    throw error;
  }
}

async function main(argv: readonly string[]): Promise<void> {
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(`${usage()}\n`);
    return;
  }
  let running: RunningSimulator;
  try {
    running = await start(argv);
  } catch (error) {
    const usageError = error instanceof UsageError;
    process.stderr.write(`castbus-sim: ${(error as Error).message}\n${usageError ? usage() : ""}`);
    process.exit(usageError ? 2 : 1);
  }
  process.stdout.write(`${JSON.stringify(running.announcement)}\n`);
  const stop = (): void => {
    running.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

await main(process.argv.slice(2));
