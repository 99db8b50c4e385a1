import type { NatsConnection } from "@castbus/nats";
import type { Io } from "./io.js";
import type { Style } from "./output.js";

/** What a command runs with. */
export interface Context {
  readonly io: Io;
  /** Colours for this command's output (off with `--json`). */
  style(json: boolean): Style;
  /** The NATS connection, opened on first use and closed when the command returns. */
  nats(server: string | undefined): Promise<NatsConnection>;
}

/** One command (`tail`) or subcommand (`dlq redrive`). */
export interface Command {
  /** As typed after `castbus`: `tail`, `dlq redrive`. */
  readonly name: string;
  readonly summary: string;
  /** Usage lines, each after `castbus `. */
  readonly usage: readonly string[];
  /** The options and examples block of `--help`. */
  readonly help: string;
  /** Returns the exit code. Throws UsageError (2), NotConfirmedError (2) or anything else (1). */
  run(argv: readonly string[], ctx: Context): Promise<number>;
}

/** A command with subcommands (`dlq list|show|redrive|purge`). */
export interface CommandGroup {
  readonly name: string;
  readonly summary: string;
  readonly commands: readonly Command[];
}

const COMMON_HELP = `Common options:
  --server URL   NATS server (default: NATS_URL, else nats://127.0.0.1:4222)
  --json         machine-readable output
  -h, --help     this help`;

/** `usage: castbus …` lines of a command. */
export function usageText(command: Command): string {
  return command.usage
    .map((line, i) => `${i === 0 ? "usage:" : "      "} castbus ${line}`)
    .join("\n");
}

/** The full `--help` text of a command. */
export function helpText(command: Command): string {
  return `${usageText(command)}\n\n${command.summary}\n\n${command.help.trimEnd()}\n\n${COMMON_HELP}\n`;
}

/** The `--help` text of a group: its subcommands, one line each. */
export function groupHelpText(group: CommandGroup): string {
  const width = Math.max(...group.commands.map((c) => c.name.length));
  const lines = group.commands.map((c) => `  castbus ${c.name.padEnd(width)}  ${c.summary}`);
  const names = group.commands.map((c) => c.name.split(" ")[1]).join("|");
  return `usage: castbus ${group.name} ${names} [options]\n\n${group.summary}\n\n${lines.join("\n")}\n\nRun 'castbus ${group.name} <command> --help' for a command's options.\n`;
}
