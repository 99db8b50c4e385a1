import { EVENTS_STREAM, summarizeEvent } from "@castbus/events";
import { readMessages, type ReadStart, type StreamMessage } from "@castbus/nats";
import { parse, parseCount, parseTime, subjectFilter } from "./args.js";
import type { Command } from "./command.js";
import { UsageError } from "./errors.js";
import type { Style } from "./output.js";

interface Envelope {
  id?: unknown;
  type?: unknown;
  source?: unknown;
  time?: unknown;
  data?: unknown;
}

/** `castbus tail [pattern]`: events as they arrive, one readable line each. */
export const tailCommand: Command = {
  name: "tail",
  summary: "Follow events live, one line each: time, type, user, text or amount.",
  usage: ["tail [pattern] [--since 10m | --from-seq N] [--limit N] [--no-follow] [--json]"],
  help: `Arguments:
  pattern          event types to show, NATS-style: chaturbate.>, *.chat.message, custom.alert
                   (default: everything, i.e. events.>)

Options:
  --since TIME     start in the past: 10m, 2h, 1d or an RFC 3339 time (default: new events only)
  --from-seq N     start at stream sequence N
  --limit N        stop after N events
  --no-follow      stop after the last stored event instead of waiting (needs --since/--from-seq)
  --json           one JSON object per line: { seq, subject, stored, event }

Stops cleanly on Ctrl-C or SIGTERM.

Examples:
  castbus tail
  castbus tail 'chaturbate.>' --since 10m
  castbus tail --from-seq 1200 --no-follow --json | jq -r .event.id`,
  async run(argv, ctx) {
    const { values, positionals } = parse(
      argv,
      {
        since: { type: "string" },
        "from-seq": { type: "string" },
        limit: { type: "string" },
        follow: { type: "boolean", default: true },
      },
      { max: 1, names: "pattern" },
    );
    const filter = subjectFilter(positionals[0] ?? ">", "events", "pattern");
    const from = startOf(values.since, values["from-seq"]);
    if (!values.follow && from.policy === "new") {
      throw new UsageError(
        "--no-follow needs --since or --from-seq (else there is nothing to show)",
      );
    }
    const limit = values.limit === undefined ? Infinity : parseCount(values.limit, "--limit");
    const json = values.json === true;
    const { io } = ctx;
    const nc = await ctx.nats(values.server);
    const style = ctx.style(json);
    if (io.stderr.isTTY === true && !json && values.follow) {
      io.stderr.write(style.dim(`tailing ${filter} (Ctrl-C to stop)\n`));
    }
    let shown = 0;
    for await (const msg of readMessages(nc, {
      stream: EVENTS_STREAM,
      filter,
      from,
      follow: values.follow,
      signal: io.signal,
    })) {
      io.stdout.write(json ? `${JSON.stringify(jsonLine(msg))}\n` : `${humanLine(msg, style)}\n`);
      shown += 1;
      if (shown >= limit) break;
    }
    return 0;
  },
};

function startOf(since: string | undefined, fromSeq: string | undefined): ReadStart {
  if (since !== undefined && fromSeq !== undefined) {
    throw new UsageError("give either --since or --from-seq, not both");
  }
  if (since !== undefined) return { policy: "time", time: parseTime(since, "--since") };
  if (fromSeq !== undefined) return { policy: "seq", seq: parseCount(fromSeq, "--from-seq") };
  return { policy: "new" };
}

function parseEnvelope(msg: StreamMessage): Envelope | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(msg.data).toString("utf8"));
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Envelope)
      : undefined;
  } catch {
    return undefined;
  }
}

function jsonLine(msg: StreamMessage) {
  const event = parseEnvelope(msg);
  return {
    seq: msg.seq,
    subject: msg.subject,
    stored: msg.time.toISOString(),
    event: event ?? null,
    ...(event === undefined ? { text: Buffer.from(msg.data).toString("utf8") } : {}),
  };
}

function humanLine(msg: StreamMessage, style: Style): string {
  const event = parseEnvelope(msg);
  if (event === undefined || typeof event.type !== "string") {
    const note = `(not a castbus event: ${msg.data.length} bytes)`;
    return `${clock(msg.time)}  ${style.yellow(msg.subject.padEnd(28))}  ${style.dim(note)}`;
  }
  const time = typeof event.time === "string" ? new Date(event.time) : msg.time;
  const summary = summarizeEvent({ type: event.type, data: event.data });
  const source = typeof event.source === "string" ? `  ${style.dim(event.source)}` : "";
  return `${clock(Number.isNaN(time.getTime()) ? msg.time : time)}  ${style.cyan(event.type.padEnd(28))}  ${summary}${source}`;
}

/** `16:01:02.123` today, `2025-11-22 16:01:02` on earlier days (local time). */
function clock(date: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  const time = `${p(date.getHours())}:${p(date.getMinutes())}:${p(date.getSeconds())}`;
  if (date.toDateString() === new Date().toDateString()) {
    return `${time}.${p(date.getMilliseconds(), 3)}`;
  }
  return `${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())} ${time}`;
}
