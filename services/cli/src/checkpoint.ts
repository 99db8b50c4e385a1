import {
  CheckpointStore,
  checkpointHistory,
  listCheckpoints,
  type CheckpointEntry,
} from "@castbus/nats";
import { parse } from "./args.js";
import type { Command, CommandGroup } from "./command.js";
import { confirm } from "./confirm.js";
import { CliError, UsageError } from "./errors.js";
import { formatTime, table, truncate, writeJson } from "./output.js";

const listCommand: Command = {
  name: "checkpoint list",
  summary: "List ingester cursors (KV bucket CHECKPOINTS).",
  usage: ["checkpoint list [--json]"],
  help: `Keys are <source>.<account> (chaturbate.alice, twitch.123456); values are each source's own
resume cursor, as JSON.

Examples:
  castbus checkpoint list
  castbus checkpoint list --json | jq -r '.checkpoints[].key'`,
  async run(argv, ctx) {
    const { values } = parse(argv, {});
    const entries = await listCheckpoints(await ctx.nats(values.server));
    if (values.json === true) {
      writeJson(ctx.io.stdout, { checkpoints: entries.map(entryJson) });
      return 0;
    }
    const style = ctx.style(false);
    if (entries.length === 0) {
      ctx.io.stdout.write(style.dim("no checkpoints\n"));
      return 0;
    }
    const rows = entries.map((e) => [
      e.key,
      String(e.revision),
      formatTime(e.updated),
      truncate(JSON.stringify(e.value), 70),
    ]);
    ctx.io.stdout.write(
      table(style, ["KEY", "REVISION", "UPDATED", "VALUE"], rows, ["left", "right"]),
    );
    return 0;
  },
};

const showCommand: Command = {
  name: "checkpoint show",
  summary: "Show one cursor and its recent revisions.",
  usage: ["checkpoint show <key> [--json]"],
  help: `Arguments:
  key              <source>.<account>, as listed by 'castbus checkpoint list'

Examples:
  castbus checkpoint show chaturbate.alice`,
  async run(argv, ctx) {
    const { values, positionals } = parse(argv, {}, { min: 1, max: 1, names: "<key>" });
    const key = checkKey(positionals[0]!);
    const history = await checkpointHistory(await ctx.nats(values.server), key);
    const current = history.at(-1);
    if (current === undefined) throw new CliError(`no checkpoint ${key}`);
    if (values.json === true) {
      writeJson(ctx.io.stdout, { ...entryJson(current), history: history.map(entryJson) });
      return 0;
    }
    const style = ctx.style(false);
    const state =
      current.operation === "PUT"
        ? JSON.stringify(current.value, null, 2)
        : style.yellow(`(deleted at ${formatTime(current.updated)})`);
    const rows = history.map((e) => [
      String(e.revision),
      formatTime(e.updated),
      e.operation === "PUT" ? truncate(JSON.stringify(e.value), 70) : style.dim("deleted"),
    ]);
    ctx.io.stdout.write(
      `${style.bold(key)}  revision ${current.revision}, ${formatTime(current.updated)}\n${state}\n\n` +
        table(style, ["REVISION", "WRITTEN", "VALUE"], rows, ["right"]),
    );
    return 0;
  },
};

const resetCommand: Command = {
  name: "checkpoint reset",
  summary: "Move a cursor (--to JSON) or delete it (asks first; --yes in scripts).",
  usage: ["checkpoint reset <key> [--to JSON] [--yes] [--json]"],
  help: `Arguments:
  key              <source>.<account>

Options:
  --to JSON        the new cursor value (same shape as 'castbus checkpoint show' prints);
                   without it the checkpoint is deleted and the ingester starts afresh
  --yes            do not ask (required when stdin is not a terminal)

The write is a compare-and-set against the revision shown in the question. Reset a cursor while
its ingester is stopped: a running one notices the moved cursor on its next write, stops that
source (checkpoint_conflict) and resumes from the new cursor when restarted.

Examples:
  castbus checkpoint reset chaturbate.alice --to '{"nextUrl":"https://…"}'
  castbus checkpoint reset obs.studio-1 --yes`,
  async run(argv, ctx) {
    const { values, positionals } = parse(
      argv,
      { to: { type: "string" }, yes: { type: "boolean" } },
      { min: 1, max: 1, names: "<key>" },
    );
    const key = checkKey(positionals[0]!);
    const next = values.to === undefined ? undefined : parseValue(values.to);
    const nc = await ctx.nats(values.server);
    const current = (await checkpointHistory(nc, key)).at(-1);
    const live = current?.operation === "PUT" ? current : undefined;
    if (next === undefined && live === undefined) throw new CliError(`no checkpoint ${key}`);
    const question = resetQuestion(key, live, next);
    if (!(await confirm(ctx.io, question, values.yes === true))) {
      ctx.io.stderr.write("aborted; checkpoint unchanged\n");
      return 1;
    }
    const store = await CheckpointStore.open(nc);
    let revision: number | null = null;
    if (next === undefined) await store.delete(key);
    else revision = await store.save(key, next.value, live?.revision);
    const action = next === undefined ? "deleted" : "moved";
    if (values.json === true) {
      writeJson(ctx.io.stdout, {
        key,
        action,
        previous: live?.value ?? null,
        value: next?.value ?? null,
        revision,
      });
    } else {
      ctx.io.stdout.write(
        `${action} checkpoint ${key}${revision === null ? "" : ` (revision ${revision})`}\n`,
      );
    }
    return 0;
  },
};

function resetQuestion(
  key: string,
  live: CheckpointEntry | undefined,
  next: { value: unknown } | undefined,
): string {
  const from =
    live === undefined
      ? "(none)"
      : `${truncate(JSON.stringify(live.value), 60)} (revision ${live.revision})`;
  return next === undefined
    ? `delete checkpoint ${key} = ${from}?`
    : `move checkpoint ${key} from ${from} to ${truncate(JSON.stringify(next.value), 60)}?`;
}

/** KV keys allow `[-/_=.a-zA-Z0-9]` (see `checkpointKey`); refuse anything else before asking NATS. */
function checkKey(key: string): string {
  if (!/^[-/_=.a-zA-Z0-9]+$/.test(key) || key.startsWith(".") || key.endsWith(".")) {
    throw new UsageError(`not a checkpoint key: '${key}' (expected <source>.<account>)`);
  }
  return key;
}

function parseValue(text: string): { value: unknown } {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch (error) {
    throw new UsageError(`--to must be JSON: ${(error as Error).message}`);
  }
}

function entryJson(entry: CheckpointEntry) {
  return {
    key: entry.key,
    revision: entry.revision,
    updated: entry.updated.toISOString(),
    operation: entry.operation,
    value: entry.value ?? null,
  };
}

/** `castbus checkpoint list|show|reset`. */
export const checkpointGroup: CommandGroup = {
  name: "checkpoint",
  summary: "Inspect and move ingester cursors (KV bucket CHECKPOINTS).",
  commands: [listCommand, showCommand, resetCommand],
};
