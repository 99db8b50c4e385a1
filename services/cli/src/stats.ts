import { DEAD_LETTERS_STREAM, DeadLetterHeaders, EVENTS_STREAM } from "@castbus/events";
import {
  listConsumers,
  readMessages,
  serverInfo,
  streamStats,
  type ConsumerState,
  type NatsConnection,
  type StreamStats,
} from "@castbus/nats";
import { setTimeout as sleep } from "node:timers/promises";
import { parse, parseDuration } from "./args.js";
import type { Command } from "./command.js";
import { UsageError } from "./errors.js";
import type { Io } from "./io.js";
import { checkReadiness, type Readiness } from "./readiness.js";
import {
  formatBytes,
  formatCount,
  formatDuration,
  formatTime,
  table,
  writeJson,
  type Style,
} from "./output.js";

/** Counts of dead letters by `Castbus-Reason` and by subject. */
interface DeadLetterCounts {
  total: number;
  byReason: Record<string, number>;
  bySubject: Record<string, number>;
}

/** `castbus stats`: streams, worker groups, dead letters and (optionally) services' readiness. */
export const statsCommand: Command = {
  name: "stats",
  summary: "Streams, worker groups, dead letters by reason, and services' readiness.",
  usage: ["stats [--window 1s] [--readyz URL]... [--json]"],
  help: `Options:
  --window D       how long to sample for the message rates (default 1s; 0 = no rates)
  --readyz URL     a service's telemetry address (http://host:8080 or its /readyz URL);
                   repeat for each ingester and worker whose readiness to show

Shows EVENTS and DEAD_LETTERS (messages, bytes, first/last message, rate), every durable
worker group on EVENTS (pending = not yet delivered, ack pending = delivered, not yet acked),
and dead letters counted per Castbus-Reason header and per subject.

Examples:
  castbus stats
  castbus stats --readyz http://127.0.0.1:8080 --readyz http://127.0.0.1:8081
  castbus stats --json | jq '.consumers[] | select(.pending > 1000)'`,
  async run(argv, ctx) {
    const { values } = parse(argv, {
      window: { type: "string", default: "1s" },
      readyz: { type: "string", multiple: true, default: [] },
    });
    const windowMs = values.window === "0" ? 0 : parseDuration(values.window);
    if (windowMs === undefined)
      throw new UsageError(`--window must be a duration like 1s, not '${values.window}'`);
    const urls = values.readyz.map(readyzUrl);
    const nc = await ctx.nats(values.server);
    const report = await gather(nc, ctx.io, windowMs, urls);
    const json = values.json === true;
    if (json) writeJson(ctx.io.stdout, report);
    else ctx.io.stdout.write(render(report, ctx.style(false)));
    return 0;
  },
};

async function gather(nc: NatsConnection, io: Io, windowMs: number, urls: readonly string[]) {
  const first = await Promise.all([
    streamStats(nc, EVENTS_STREAM),
    streamStats(nc, DEAD_LETTERS_STREAM),
  ]);
  const started = Date.now();
  const [consumers, deadLetters, readiness] = await Promise.all([
    listConsumers(nc, EVENTS_STREAM).then((all) => all.filter((c) => c.durable)),
    countDeadLetters(nc, io.signal),
    Promise.all(urls.map((url) => checkReadiness(url, io.signal))),
    windowMs > 0
      ? sleep(windowMs, undefined, { signal: io.signal }).catch(() => undefined)
      : undefined,
  ]);
  const second =
    windowMs > 0
      ? await Promise.all([streamStats(nc, EVENTS_STREAM), streamStats(nc, DEAD_LETTERS_STREAM)])
      : undefined;
  const elapsedS = (Date.now() - started) / 1000;
  const streams = first.map((stats, i) => {
    const later = second?.[i];
    const rate = later === undefined ? null : round((later.lastSeq - stats.lastSeq) / elapsedS);
    return streamJson(later ?? stats, rate);
  });
  const server = serverInfo(nc);
  return {
    server: { url: server.url, version: server.version, name: server.name },
    streams,
    consumers: consumers.map(consumerJson),
    deadLetters,
    readiness,
  };
}

async function countDeadLetters(
  nc: NatsConnection,
  signal: AbortSignal,
): Promise<DeadLetterCounts> {
  const counts: DeadLetterCounts = { total: 0, byReason: {}, bySubject: {} };
  for await (const msg of readMessages(nc, {
    stream: DEAD_LETTERS_STREAM,
    headersOnly: true,
    signal,
  })) {
    const reason = msg.headers[DeadLetterHeaders.reason] ?? "(none)";
    counts.total += 1;
    counts.byReason[reason] = (counts.byReason[reason] ?? 0) + 1;
    counts.bySubject[msg.subject] = (counts.bySubject[msg.subject] ?? 0) + 1;
  }
  return counts;
}

function readyzUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--readyz must be an http(s) URL, not '${text}'`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UsageError(`--readyz must be an http(s) URL, not '${text}'`);
  }
  if (url.pathname === "/" || url.pathname === "") url.pathname = "/readyz";
  return url.toString();
}

function streamJson(stats: StreamStats, ratePerSecond: number | null) {
  return {
    name: stats.name,
    messages: stats.messages,
    bytes: stats.bytes,
    firstSeq: stats.firstSeq,
    lastSeq: stats.lastSeq,
    firstTime: stats.firstTime?.toISOString() ?? null,
    lastTime: stats.lastTime?.toISOString() ?? null,
    ratePerSecond,
    maxAgeMs: stats.maxAgeMs,
  };
}

function consumerJson(c: ConsumerState) {
  return {
    name: c.name,
    filterSubjects: c.filterSubjects,
    pending: c.pending,
    ackPending: c.ackPending,
    redelivered: c.redelivered,
    deliveredSeq: c.deliveredSeq,
  };
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

type Report = Awaited<ReturnType<typeof gather>>;

function render(report: Report, style: Style): string {
  const parts = [
    `${style.bold("NATS")} ${report.server.url} (nats-server ${report.server.version})\n`,
  ];
  parts.push(
    table(
      style,
      ["STREAM", "MESSAGES", "BYTES", "FIRST", "LAST", "RATE", "MAX AGE"],
      report.streams.map((s) => [
        s.name,
        formatCount(s.messages),
        formatBytes(s.bytes),
        formatTime(s.firstTime === null ? undefined : new Date(s.firstTime)),
        formatTime(s.lastTime === null ? undefined : new Date(s.lastTime)),
        s.ratePerSecond === null ? "-" : `${s.ratePerSecond}/s`,
        s.maxAgeMs === 0 ? "∞" : formatDuration(s.maxAgeMs),
      ]),
      ["left", "right", "right", "left", "left", "right", "right"],
    ),
  );
  parts.push(
    report.consumers.length === 0
      ? style.dim("no worker groups on EVENTS\n")
      : table(
          style,
          ["GROUP", "SUBJECTS", "PENDING", "ACK PENDING", "REDELIVERED"],
          report.consumers.map((c) => [
            c.name,
            c.filterSubjects.join(",") || "events.>",
            pendingCell(c.pending, style),
            formatCount(c.ackPending),
            formatCount(c.redelivered),
          ]),
          ["left", "left", "right", "right", "right"],
        ),
  );
  parts.push(renderDeadLetters(report.deadLetters, style));
  if (report.readiness.length > 0) parts.push(renderReadiness(report.readiness, style));
  return parts.join("\n");
}

function pendingCell(pending: number, style: Style): string {
  return pending > 0 ? style.yellow(formatCount(pending)) : formatCount(pending);
}

function renderDeadLetters(counts: DeadLetterCounts, style: Style): string {
  if (counts.total === 0) return style.green("no dead letters\n");
  const sorted = (record: Record<string, number>) =>
    Object.entries(record)
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .map(([k, n]) => [k, formatCount(n)]);
  return (
    style.red(`${formatCount(counts.total)} dead letters\n`) +
    table(style, ["REASON", "COUNT"], sorted(counts.byReason), ["left", "right"]) +
    "\n" +
    table(style, ["DLQ SUBJECT", "COUNT"], sorted(counts.bySubject), ["left", "right"])
  );
}

function renderReadiness(results: readonly Readiness[], style: Style): string {
  return table(
    style,
    ["SERVICE", "READY", "DETAIL"],
    results.map((r) => [
      r.url,
      r.ready ? style.green("ready") : style.red("not ready"),
      r.error ?? r.failing.map((f) => `${f.check}: ${f.reason}`).join("; "),
    ]),
  );
}
