import { EVENTS_STREAM, isSubjectToken } from "@castbus/events";
import { consumerState, ensureDurableConsumer } from "@castbus/nats";
import { parse, parseTime, subjectFilter } from "./args.js";
import type { Command } from "./command.js";
import { CliError, UsageError } from "./errors.js";
import { formatCount, formatTime, writeJson } from "./output.js";

// The worker's defaults (WORKER_ACK_WAIT_MS, WORKER_MAX_ACK_PENDING); a worker that starts on the
// group sets its own values for both.
const ACK_WAIT_MS = 30_000;
const MAX_ACK_PENDING = 1000;

/** `castbus replay`: a new durable worker group that starts at a point in time. */
export const replayCommand: Command = {
  name: "replay",
  summary: "Create a new worker group that starts from a point in time.",
  usage: ["replay --group NAME --since TIME [--subject S]... [--json]"],
  help: `Options:
  --group NAME     the new group (letters, digits, - and _); refused if it already exists
  --since TIME     where it starts: 10m, 2h, 1d or an RFC 3339 time
  --subject S      event subjects it receives (default events.>; repeat for several, which
                   needs nats-server 2.10+): events.chaturbate.>, twitch.*

Creates the durable consumer on EVENTS that a worker group reads; nothing is processed until
workers run with WORKER_GROUP=NAME (and the same WORKER_SUBJECTS). Existing groups are never
touched: replaying into a live group would hand its workers old events again.

Examples:
  castbus replay --group alerts-replay --since 2h
  castbus replay --group tips-backfill --since 2025-11-20T00:00:00Z --subject 'chaturbate.tip'`,
  async run(argv, ctx) {
    const { values } = parse(argv, {
      group: { type: "string" },
      since: { type: "string" },
      subject: { type: "string", multiple: true, default: [] },
    });
    const { group, since, subjects } = replayInput(values);
    const nc = await ctx.nats(values.server);
    const existing = await consumerState(nc, EVENTS_STREAM, group);
    if (existing !== undefined) {
      throw new CliError(
        `worker group ${group} already exists (${formatCount(existing.pending)} pending); pick a new name`,
      );
    }
    await ensureDurableConsumer(nc, {
      stream: EVENTS_STREAM,
      name: group,
      filterSubjects: subjects,
      ackWaitMs: ACK_WAIT_MS,
      maxAckPending: MAX_ACK_PENDING,
      deliverFrom: { policy: "time", time: since },
    });
    const pending = (await consumerState(nc, EVENTS_STREAM, group))?.pending ?? 0;
    if (values.json === true) {
      const result = {
        group,
        stream: EVENTS_STREAM,
        since: since.toISOString(),
        subjects,
        pending,
      };
      writeJson(ctx.io.stdout, result);
      return 0;
    }
    ctx.io.stdout.write(
      `created worker group ${group} on ${EVENTS_STREAM} from ${formatTime(since)}: ` +
        `${formatCount(pending)} events to deliver (${subjects.join(", ")})\n` +
        `start workers with WORKER_GROUP=${group} WORKER_SUBJECTS=${subjects.join(",")}\n`,
    );
    return 0;
  },
};

function replayInput(values: { group?: string; since?: string; subject: string[] }) {
  if (values.group === undefined) throw new UsageError("missing --group");
  if (values.since === undefined) throw new UsageError("missing --since");
  if (!isSubjectToken(values.group)) {
    throw new UsageError(`--group must be letters, digits, - or _, not '${values.group}'`);
  }
  const subjects =
    values.subject.length === 0
      ? ["events.>"]
      : values.subject.map((s) => subjectFilter(s, "events", "--subject"));
  return { group: values.group, since: parseTime(values.since, "--since"), subjects };
}
