import { DEAD_LETTERS_STREAM } from "@castbus/events";
import {
  deleteStreamMessage,
  getStreamMessage,
  purgeStream,
  type NatsConnection,
  type StreamMessage,
} from "@castbus/nats";
import { parse, parseCount, parseSequences } from "./args.js";
import type { Command, CommandGroup } from "./command.js";
import { confirm } from "./confirm.js";
import { CliError, UsageError } from "./errors.js";
import type { Io } from "./io.js";
import { formatTime, plural, progress, table, truncate, writeJson, type Style } from "./output.js";
import { redriveCommand } from "./redrive.js";
import {
  SELECT_HELP,
  SELECT_OPTIONS,
  deadLetterSummary,
  selectDeadLetters,
  selectionFrom,
  type Selection,
} from "./selection.js";

const listCommand: Command = {
  name: "dlq list",
  summary: "List dead letters with their Castbus-* error headers.",
  usage: ["dlq list [--subject S] [--since TIME] [--until TIME] [--limit N] [--json]"],
  help: `Options:
  --subject S      only dead letters on S (default dlq.>): dlq.worker.<group>, dlq.ingest.<source>
  --since TIME     stored at or after TIME (10m, 2h, 1d or RFC 3339)
  --until TIME     stored at or before TIME
  --limit N        show at most N (default 50; 0 = all)

Examples:
  castbus dlq list
  castbus dlq list --subject dlq.worker.alerts --since 1h --json`,
  async run(argv, ctx) {
    const { values } = parse(argv, { ...SELECT_OPTIONS, limit: { type: "string", default: "50" } });
    const selection = selectionFrom(values, [], { defaultFilter: "dlq.>", required: false });
    const limit = values.limit === "0" ? Infinity : parseCount(values.limit, "--limit");
    const nc = await ctx.nats(values.server);
    const shown: StreamMessage[] = [];
    let more = false;
    const options = { headersOnly: true, signal: ctx.io.signal };
    for await (const msg of selectDeadLetters(nc, selection, options)) {
      if (shown.length >= limit) {
        more = true;
        break;
      }
      shown.push(msg);
    }
    if (values.json === true) {
      writeJson(ctx.io.stdout, { deadLetters: shown.map(deadLetterSummary), truncated: more });
    } else {
      ctx.io.stdout.write(renderList(shown, more, selection.filter, ctx.style(false)));
    }
    return 0;
  },
};

function renderList(shown: readonly StreamMessage[], more: boolean, filter: string, style: Style) {
  if (shown.length === 0) return style.green(`no dead letters on ${filter}\n`);
  const rows = shown
    .map(deadLetterSummary)
    .map((d) => [
      String(d.seq),
      formatTime(new Date(d.time)),
      d.subject,
      style.red(d.reason ?? "-"),
      d.eventId ?? "-",
      truncate(d.error ?? "", 60),
    ]);
  const footer = more
    ? `showing the first ${shown.length}; --limit 0 shows all`
    : plural(shown.length, "dead letter");
  return (
    table(style, ["SEQ", "STORED", "SUBJECT", "REASON", "EVENT ID", "ERROR"], rows, ["right"]) +
    style.dim(`${footer}\n`)
  );
}

const showCommand: Command = {
  name: "dlq show",
  summary: "Show one dead letter: every header and the payload.",
  usage: ["dlq show <seq> [--json]"],
  help: `Arguments:
  seq              the dead letter's stream sequence (from 'castbus dlq list')

Examples:
  castbus dlq show 12
  castbus dlq show 12 --json | jq .payload`,
  async run(argv, ctx) {
    const { values, positionals } = parse(argv, {}, { min: 1, max: 1, names: "<seq>" });
    const [seq] = parseSequences(positionals);
    if (seq === undefined || positionals[0]!.includes("-") || positionals[0]!.includes(",")) {
      throw new UsageError(`<seq> must be one stream sequence, not '${positionals[0]}'`);
    }
    const nc = await ctx.nats(values.server);
    const msg = await getStreamMessage(nc, DEAD_LETTERS_STREAM, seq);
    if (msg === undefined) throw new CliError(`no dead letter at sequence ${seq}`);
    const text = Buffer.from(msg.data).toString("utf8");
    const payload = parseJson(text);
    if (values.json === true) {
      const { seq: s, subject, time, headers } = deadLetterSummary(msg);
      writeJson(ctx.io.stdout, {
        seq: s,
        subject,
        time,
        headers,
        payload: payload ?? null,
        text: payload === undefined ? text : null,
      });
      return 0;
    }
    const style = ctx.style(false);
    const width = Math.max(...Object.keys(msg.headers).map((k) => k.length));
    const headers = Object.entries(msg.headers).map(
      ([k, v]) => `  ${style.dim(k.padEnd(width))}  ${v}`,
    );
    ctx.io.stdout.write(
      `${style.bold(`dead letter ${msg.seq}`)} on ${msg.subject}, stored ${formatTime(msg.time)}\n` +
        `${headers.join("\n")}\n` +
        `${style.bold(`payload (${msg.data.length} bytes)`)}\n` +
        `${payload === undefined ? text : JSON.stringify(payload, null, 2)}\n`,
    );
    return 0;
  },
};

const purgeCommand: Command = {
  name: "dlq purge",
  summary: "Delete dead letters for good (asks first; --yes in scripts).",
  usage: [
    "dlq purge (SEQ... | --subject S | --since TIME | --until TIME | --all) [--dry-run] [--yes] [--json]",
  ],
  help: `Selection (required):
${SELECT_HELP}

Options:
  --dry-run        show how many would go, delete nothing
  --yes            do not ask (required when stdin is not a terminal)

Examples:
  castbus dlq purge --subject dlq.ingest.twitch --until 7d
  castbus dlq purge 12 13 --yes`,
  async run(argv, ctx) {
    const { values, positionals } = parse(
      argv,
      { ...SELECT_OPTIONS, "dry-run": { type: "boolean" }, yes: { type: "boolean" } },
      { max: Infinity },
    );
    const selection = selectionFrom(values, positionals, {
      defaultFilter: "dlq.>",
      required: true,
    });
    const nc = await ctx.nats(values.server);
    const seqs: number[] = [];
    for await (const msg of selectDeadLetters(nc, selection, {
      headersOnly: true,
      signal: ctx.io.signal,
    })) {
      seqs.push(msg.seq);
    }
    const json = values.json === true;
    if (seqs.length === 0 || values["dry-run"] === true) {
      if (json)
        writeJson(ctx.io.stdout, {
          purged: 0,
          matched: seqs.length,
          dryRun: values["dry-run"] === true,
        });
      else ctx.io.stdout.write(`${plural(seqs.length, "dead letter")} match; nothing purged\n`);
      return 0;
    }
    const question = `purge ${plural(seqs.length, "dead letter")} on ${describe(selection)}?`;
    if (!(await confirm(ctx.io, question, values.yes === true))) {
      ctx.io.stderr.write("aborted; nothing purged\n");
      return 1;
    }
    const purged = await purge(ctx.io, nc, selection, seqs);
    if (json) writeJson(ctx.io.stdout, { purged, matched: seqs.length, dryRun: false });
    else ctx.io.stdout.write(`purged ${plural(purged, "dead letter")}\n`);
    return purged === seqs.length ? 0 : 1;
  },
};

/** Whole subjects go in one purge request (bounded by the last sequence seen); the rest one by one. */
async function purge(
  io: Io,
  nc: NatsConnection,
  selection: Selection,
  seqs: readonly number[],
): Promise<number> {
  if (
    selection.seqs.length === 0 &&
    selection.since === undefined &&
    selection.until === undefined
  ) {
    return purgeStream(nc, DEAD_LETTERS_STREAM, {
      filter: selection.filter,
      beforeSeq: seqs.at(-1)! + 1,
    });
  }
  const bar = progress(io, "purging", seqs.length);
  let purged = 0;
  for (const seq of seqs) {
    if (io.signal.aborted) break;
    if (await deleteStreamMessage(nc, DEAD_LETTERS_STREAM, seq)) purged += 1;
    bar.tick();
  }
  bar.done();
  return purged;
}

function describe(selection: Selection): string {
  if (selection.seqs.length > 0) return `${DEAD_LETTERS_STREAM} (by sequence)`;
  const range = [
    selection.since === undefined ? "" : ` since ${formatTime(selection.since)}`,
    selection.until === undefined ? "" : ` until ${formatTime(selection.until)}`,
  ].join("");
  return `${selection.filter}${range}`;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** `castbus dlq list|show|redrive|purge`. */
export const dlqGroup: CommandGroup = {
  name: "dlq",
  summary: "Inspect, redrive and purge dead letters (stream DEAD_LETTERS).",
  commands: [listCommand, showCommand, redriveCommand, purgeCommand],
};
