import { readFileSync } from "node:fs";
import { StreamNotFoundError, type NatsConnection } from "@castbus/nats";
import { checkpointGroup } from "./checkpoint.js";
import {
  groupHelpText,
  helpText,
  usageText,
  type Command,
  type CommandGroup,
  type Context,
} from "./command.js";
import { connectCli } from "./connection.js";
import { dlqGroup } from "./dlq.js";
import { emitCommand } from "./emit.js";
import { NotConfirmedError, UsageError } from "./errors.js";
import type { Io } from "./io.js";
import { styleFor } from "./output.js";
import { replayCommand } from "./replay.js";
import { statsCommand } from "./stats.js";
import { tailCommand } from "./tail.js";

const COMMANDS: readonly (Command | CommandGroup)[] = [
  tailCommand,
  statsCommand,
  dlqGroup,
  checkpointGroup,
  emitCommand,
  replayCommand,
];

const TOP_HELP = `usage: castbus <command> [options]

Operate a castbus event pipeline on NATS JetStream: see what flows, fix what got stuck.

Commands:
${COMMANDS.map((c) => `  ${synopsis(c).padEnd(34)}${c.summary}`).join("\n")}

Run 'castbus <command> --help' for a command's options.

NATS connection: --server URL or NATS_URL; auth and TLS from NATS_USER/NATS_PASSWORD,
NATS_TOKEN, NATS_CREDS_FILE, NATS_NKEY_SEED_FILE, NATS_TLS_CA_FILE, NATS_TLS_CERT_FILE/KEY_FILE.
Output: human by default, --json for scripts; colours only on a terminal (NO_COLOR turns them off).
Exit codes: 0 done, 1 failed, 2 bad arguments or a destructive command not confirmed.
`;

/**
 * Runs `castbus <argv>` and returns the exit code. Everything outside the process comes in
 * through `io`, so tests run commands in-process with captured output.
 */
export async function run(argv: readonly string[], io: Io): Promise<number> {
  const [first, ...rest] = withGlobalsLast(argv);
  if (first === undefined) {
    io.stderr.write(TOP_HELP);
    return 2;
  }
  if (first === "-h" || first === "--help") {
    io.stdout.write(TOP_HELP);
    return 0;
  }
  if (first === "help") return rest.length > 0 ? run([...rest, "--help"], io) : run(["--help"], io);
  if (first === "--version" || first === "-V") {
    io.stdout.write(`castbus ${version()}\n`);
    return 0;
  }
  const entry = COMMANDS.find((c) => c.name === first);
  if (entry === undefined) {
    io.stderr.write(`castbus: unknown command '${first}'\n${TOP_HELP}`);
    return 2;
  }
  if (!isGroup(entry)) return execute(entry, rest, io);
  const [sub, ...subArgs] = rest;
  const command = entry.commands.find((c) => c.name === `${entry.name} ${sub}`);
  if (command !== undefined) return execute(command, subArgs, io);
  if (sub === "-h" || sub === "--help") {
    io.stdout.write(groupHelpText(entry));
    return 0;
  }
  const what = sub === undefined ? "missing command" : `unknown command '${sub}'`;
  io.stderr.write(`castbus ${entry.name}: ${what}\n${groupHelpText(entry)}`);
  return 2;
}

async function execute(command: Command, argv: readonly string[], io: Io): Promise<number> {
  const end = argv.indexOf("--");
  if ((end === -1 ? argv : argv.slice(0, end)).some((a) => a === "-h" || a === "--help")) {
    io.stdout.write(helpText(command));
    return 0;
  }
  let connection: Promise<NatsConnection> | undefined;
  const ctx: Context = {
    io,
    style: (json) => styleFor(io, json),
    nats: (server) => (connection ??= connectCli(io.env, server)),
  };
  try {
    return await command.run(argv, ctx);
  } catch (error) {
    return report(command, error, io);
  } finally {
    const nc = await connection?.catch(() => undefined);
    await nc?.close().catch(() => undefined);
  }
}

function report(command: Command, error: unknown, io: Io): number {
  const prefix = `castbus ${command.name}:`;
  if (error instanceof UsageError) {
    io.stderr.write(
      `${prefix} ${error.message}\n${usageText(command)}\n` +
        `Run 'castbus ${command.name} --help' for details.\n`,
    );
    return 2;
  }
  if (error instanceof NotConfirmedError) {
    io.stderr.write(`${prefix} ${error.message}\n`);
    return 2;
  }
  io.stderr.write(`${prefix} ${oneLine(describe(error))}\n`);
  return 1;
}

function describe(error: unknown): string {
  if (error instanceof StreamNotFoundError) {
    const what = error.stream.startsWith("KV_")
      ? `KV bucket ${error.stream.slice(3)}`
      : `stream ${error.stream}`;
    return `${what} does not exist on this NATS server (no castbus service has started against it?)`;
  }
  return error instanceof Error ? error.message : String(error);
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, "; ");
}

/** `castbus --server URL --json stats` works like `castbus stats --server URL --json`. */
function withGlobalsLast(argv: readonly string[]): string[] {
  const globals: string[] = [];
  let i = 0;
  for (; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--json" || arg.startsWith("--server=")) globals.push(arg);
    else if (arg === "--server" && i + 1 < argv.length) globals.push(arg, argv[++i]!);
    else break;
  }
  return [...argv.slice(i), ...globals];
}

/** `tail [pattern]`, `dlq list|show|redrive|purge`: a command as the top help lists it. */
function synopsis(entry: Command | CommandGroup): string {
  if (isGroup(entry)) {
    return `${entry.name} ${entry.commands.map((c) => c.name.split(" ")[1]).join("|")}`;
  }
  const usage = entry.usage[0] ?? entry.name;
  const cut = usage.search(/ \[--| \(/);
  return cut === -1 ? usage : usage.slice(0, cut);
}

function isGroup(entry: Command | CommandGroup): entry is CommandGroup {
  return "commands" in entry;
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
    version?: string;
  };
  return pkg.version ?? "unknown";
}
