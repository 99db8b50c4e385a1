import { DEAD_LETTERS_STREAM, DeadLetterHeaders, EVENTS_STREAM } from "@castbus/events";
import {
  Publisher,
  deleteStreamMessage,
  streamStats,
  type NatsConnection,
  type StreamMessage,
} from "@castbus/nats";
import { parse } from "./args.js";
import type { Command } from "./command.js";
import { confirm } from "./confirm.js";
import { CliError } from "./errors.js";
import type { Io } from "./io.js";
import { formatDuration, plural, progress, writeJson, type Style } from "./output.js";
import {
  SELECT_HELP,
  SELECT_OPTIONS,
  isIngestDeadLetter,
  selectDeadLetters,
  selectionFrom,
  type Selection,
} from "./selection.js";

/** One dead letter's redrive: where it goes and under which msg id, or why it cannot go. */
interface Plan {
  readonly msg: StreamMessage;
  readonly target: string | null;
  readonly id: string | null;
  readonly skip: string | null;
}

/** What happened to one dead letter. */
interface Result {
  readonly seq: number;
  readonly subject: string;
  readonly target: string | null;
  readonly id: string | null;
  /** `stored`: a new message; `duplicate`: EVENTS already held this id (nothing new stored). */
  readonly outcome: "stored" | "duplicate" | "skipped" | "failed" | "planned";
  /** The EVENTS sequence of the stored message (or of the message it duplicates). */
  readonly eventsSeq: number | null;
  readonly deadLetterDeleted: boolean;
  readonly reason: string | null;
}

const INGEST =
  "ingest dead letters hold raw upstream payloads that never became events: there is nothing to " +
  "redrive (fix the mapping or schema, let the ingester read again, then purge them)";
const ACK_TIMEOUT_MS = 10_000;

/** `castbus dlq redrive`: worker dead letters back to their original subject, same envelope id. */
export const redriveCommand: Command = {
  name: "dlq redrive",
  summary: "Publish worker dead letters again on their original subject, with their envelope id.",
  usage: [
    "dlq redrive (SEQ... | --subject S | --since TIME | --until TIME | --all) [--dry-run] [--yes]",
    "            [--delete-duplicates] [--json]",
  ],
  help: `Selection (required; default subject dlq.worker.>):
${SELECT_HELP}

Options:
  --dry-run            show what would be redriven, publish nothing
  --yes                do not ask before redriving more than one (required on a non-terminal)
  --delete-duplicates  also delete dead letters whose event EVENTS already holds (see below)

Each dead letter is published to its Castbus-Original-Subject with Nats-Msg-Id = the envelope id,
and deleted from DEAD_LETTERS only once JetStream acknowledged the publish. When EVENTS still holds
that id inside its duplicate window, JetStream stores nothing new ("duplicate"): the dead letter is
then kept, because no worker will see the event again — redrive it once the window has passed, or
pass --delete-duplicates when you know it was handled. Ingest dead letters (dlq.ingest.*) are raw
upstream payloads, not events, and are refused.

Examples:
  castbus dlq redrive 12
  castbus dlq redrive --subject dlq.worker.alerts --since 1h --dry-run
  castbus dlq redrive --all --yes --json`,
  async run(argv, ctx) {
    const { values, positionals } = parse(
      argv,
      {
        ...SELECT_OPTIONS,
        "dry-run": { type: "boolean" },
        yes: { type: "boolean" },
        "delete-duplicates": { type: "boolean" },
      },
      { max: Infinity },
    );
    const selection = selectionFrom(values, positionals, {
      defaultFilter: "dlq.worker.>",
      required: true,
    });
    if (selection.seqs.length === 0 && selection.filter.startsWith("dlq.ingest.")) {
      throw new CliError(INGEST);
    }
    const nc = await ctx.nats(values.server);
    const windowMs = (await streamStats(nc, EVENTS_STREAM)).duplicateWindowMs;
    const plans = await planAll(nc, selection, ctx.io.signal);
    const ready = plans.filter((p) => p.skip === null).length;
    const json = values.json === true;
    if (plans.length === 0 || values["dry-run"] === true) {
      return report(ctx.io, plans.map(planned), { json, windowMs, style: ctx.style(json) });
    }
    if (ready > 1) {
      const question = `redrive ${plural(ready, "dead letter")} to their original subjects?`;
      if (!(await confirm(ctx.io, question, values.yes === true))) {
        ctx.io.stderr.write("aborted; nothing redriven\n");
        return 1;
      }
    }
    const results = await redrive(nc, ctx.io, plans, values["delete-duplicates"] === true);
    return report(ctx.io, results, { json, windowMs, style: ctx.style(json) });
  },
};

/** Plans every selected dead letter; an ingest one picked by sequence refuses the whole run. */
async function planAll(nc: NatsConnection, selection: Selection, signal: AbortSignal) {
  const plans: Plan[] = [];
  for await (const msg of selectDeadLetters(nc, selection, { headersOnly: false, signal })) {
    plans.push(planFor(msg));
  }
  const ingest = plans.find((p) => selection.seqs.length > 0 && isIngestDeadLetter(p.msg));
  if (ingest !== undefined) {
    throw new CliError(`dead letter ${ingest.msg.seq} is on ${ingest.msg.subject}: ${INGEST}`);
  }
  return plans;
}

function planFor(msg: StreamMessage): Plan {
  if (isIngestDeadLetter(msg)) return { msg, target: null, id: null, skip: INGEST };
  const target = msg.headers[DeadLetterHeaders.originalSubject] ?? null;
  const id = envelopeId(msg);
  if (target === null || !target.startsWith("events.")) {
    return {
      msg,
      target,
      id,
      skip: `no ${DeadLetterHeaders.originalSubject} header under events.`,
    };
  }
  if (id === null) {
    return { msg, target, id, skip: "no envelope id: the payload is not a castbus event" };
  }
  return { msg, target, id, skip: null };
}

/** The envelope's own id (what the original publish used as msg id), else the header's. */
function envelopeId(msg: StreamMessage): string | null {
  try {
    const value = JSON.parse(Buffer.from(msg.data).toString("utf8")) as { id?: unknown };
    if (typeof value.id === "string" && value.id !== "") return value.id;
  } catch {
    // not JSON: fall back to the header the worker wrote
  }
  return msg.headers[DeadLetterHeaders.eventId] ?? null;
}

async function redrive(
  nc: NatsConnection,
  io: Io,
  plans: readonly Plan[],
  deleteDuplicates: boolean,
): Promise<Result[]> {
  const publisher = new Publisher(nc, { maxInFlight: 64 });
  const bar = progress(io, "redriving", plans.length);
  const tasks: Promise<Result>[] = [];
  for (const plan of plans) {
    if (plan.skip !== null || io.signal.aborted) {
      tasks.push(Promise.resolve(result(plan, "skipped", null, false, plan.skip ?? "interrupted")));
      continue;
    }
    await publisher.waitForCapacity();
    tasks.push(redriveOne(nc, publisher, plan, deleteDuplicates).finally(() => bar.tick()));
  }
  // Publishes still unacknowledged after the timeout are rejected: those dead letters stay.
  await publisher.close(ACK_TIMEOUT_MS);
  const results = await Promise.all(tasks);
  bar.done();
  return results;
}

async function redriveOne(
  nc: NatsConnection,
  publisher: Publisher,
  plan: Plan,
  deleteDuplicates: boolean,
): Promise<Result> {
  let ack;
  try {
    ack = await publisher.publish({ subject: plan.target!, data: plan.msg.data, msgId: plan.id! });
  } catch (error) {
    return result(plan, "failed", null, false, `publish failed: ${(error as Error).message}`);
  }
  const outcome = ack.duplicate ? "duplicate" : "stored";
  if (ack.duplicate && !deleteDuplicates) return result(plan, outcome, ack.seq, false, null);
  try {
    const deleted = await deleteStreamMessage(nc, DEAD_LETTERS_STREAM, plan.msg.seq);
    return result(plan, outcome, ack.seq, deleted, deleted ? null : "dead letter already gone");
  } catch (error) {
    const reason = `published, but deleting the dead letter failed: ${(error as Error).message}`;
    return result(plan, outcome, ack.seq, false, reason);
  }
}

function result(
  plan: Plan,
  outcome: Result["outcome"],
  eventsSeq: number | null,
  deadLetterDeleted: boolean,
  reason: string | null,
): Result {
  const { seq, subject } = plan.msg;
  return {
    seq,
    subject,
    target: plan.target,
    id: plan.id,
    outcome,
    eventsSeq,
    deadLetterDeleted,
    reason,
  };
}

function planned(plan: Plan): Result {
  return result(plan, plan.skip === null ? "planned" : "skipped", null, false, plan.skip);
}

function report(
  io: Io,
  results: readonly Result[],
  options: { json: boolean; windowMs: number; style: Style },
): number {
  const count = (outcome: Result["outcome"]) => results.filter((r) => r.outcome === outcome).length;
  const counts = {
    stored: count("stored"),
    duplicate: count("duplicate"),
    skipped: count("skipped"),
    failed: count("failed"),
    planned: count("planned"),
  };
  const ok = counts.skipped === 0 && counts.failed === 0 && results.every((r) => r.reason === null);
  if (options.json) {
    writeJson(io.stdout, { results, counts });
    return ok ? 0 : 1;
  }
  const { style } = options;
  if (results.length === 0) {
    io.stdout.write(style.green("no dead letters match; nothing redriven\n"));
    return 0;
  }
  const head =
    counts.planned + counts.skipped === results.length
      ? `dry run: would redrive ${counts.planned}, skip ${counts.skipped}`
      : `redrove ${plural(results.length, "dead letter")}: ${counts.stored} stored again, ` +
        `${counts.duplicate} duplicate (already in EVENTS), ${counts.skipped} skipped, ${counts.failed} failed`;
  const lines = results
    .filter((r) => results.length <= 20 || r.outcome !== "stored")
    .map((r) => `  ${String(r.seq).padStart(6)}  ${describeResult(r, options.windowMs, style)}`);
  io.stdout.write(`${head}\n${lines.join("\n")}\n`);
  return ok ? 0 : 1;
}

function describeResult(r: Result, windowMs: number, style: Style): string {
  const to = `→ ${r.target ?? "?"}`;
  switch (r.outcome) {
    case "planned":
      return `${to}  id ${r.id}`;
    case "stored":
      return `${to}  ${style.green("stored")} as EVENTS seq ${r.eventsSeq}${r.reason === null ? "" : style.red(`; ${r.reason}`)}`;
    case "duplicate":
      return r.deadLetterDeleted
        ? `${to}  ${style.yellow("duplicate")}: EVENTS seq ${r.eventsSeq} holds ${r.id}; dead letter deleted`
        : `${to}  ${style.yellow("duplicate")}: EVENTS seq ${r.eventsSeq} holds ${r.id} (within its ${formatDuration(windowMs)} duplicate window); dead letter kept`;
    default:
      return `${style.red(r.outcome)}: ${r.reason}`;
  }
}
