import { DEAD_LETTERS_STREAM, DeadLetterHeaders } from "@castbus/events";
import {
  getStreamMessage,
  readMessages,
  type NatsConnection,
  type StreamMessage,
} from "@castbus/nats";
import { parseSequences, parseTime, subjectFilter } from "./args.js";
import { CliError, UsageError } from "./errors.js";

/** The options that pick dead letters (besides sequence arguments). */
export const SELECT_OPTIONS = {
  subject: { type: "string" },
  since: { type: "string" },
  until: { type: "string" },
  all: { type: "boolean" },
} as const;

/** Which dead letters a command works on. */
export interface Selection {
  /** Explicit stream sequences; when given, nothing else selects. */
  readonly seqs: readonly number[];
  /** Subject filter under `dlq.` (wildcards allowed). */
  readonly filter: string;
  readonly since: Date | undefined;
  readonly until: Date | undefined;
}

/** The help lines for {@link SELECT_OPTIONS}. */
export const SELECT_HELP = `  SEQ...           dead letters by stream sequence: 12 15-20 31,32
  --subject S      those on subject S: dlq.worker.alerts, worker.*, dlq.ingest.twitch
  --since TIME     stored at or after TIME (10m, 2h, 1d or RFC 3339)
  --until TIME     stored at or before TIME
  --all            every dead letter`;

/** Reads the selection from parsed options; `required` refuses an empty one (no accidents). */
export function selectionFrom(
  values: { subject?: string; since?: string; until?: string; all?: boolean },
  positionals: readonly string[],
  options: { defaultFilter: string; required: boolean },
): Selection {
  const seqs = parseSequences(positionals);
  const byFilter =
    values.subject !== undefined || values.since !== undefined || values.until !== undefined;
  if (seqs.length > 0 && (byFilter || values.all === true)) {
    throw new UsageError("give sequences, or --subject/--since/--until/--all, not both");
  }
  if (options.required && seqs.length === 0 && !byFilter && values.all !== true) {
    throw new UsageError(
      "select dead letters: give sequences, --subject, --since/--until or --all",
    );
  }
  const now = new Date();
  const since = values.since === undefined ? undefined : parseTime(values.since, "--since", now);
  const until = values.until === undefined ? undefined : parseTime(values.until, "--until", now);
  if (since !== undefined && until !== undefined && since > until) {
    throw new UsageError("--since is after --until");
  }
  const filter =
    values.subject === undefined
      ? options.defaultFilter
      : subjectFilter(values.subject, "dlq", "--subject");
  return { seqs, filter, since, until };
}

/**
 * The selected dead letters in stream order. Explicit sequences must all exist (checked before
 * any is yielded, so a typo changes nothing).
 */
export async function* selectDeadLetters(
  nc: NatsConnection,
  selection: Selection,
  options: { headersOnly: boolean; signal: AbortSignal },
): AsyncGenerator<StreamMessage> {
  if (selection.seqs.length > 0) {
    const found: StreamMessage[] = [];
    for (const seq of selection.seqs) {
      const msg = await getStreamMessage(nc, DEAD_LETTERS_STREAM, seq);
      if (msg === undefined) throw new CliError(`no dead letter at sequence ${seq}`);
      found.push(msg);
    }
    yield* found;
    return;
  }
  for await (const msg of readMessages(nc, {
    stream: DEAD_LETTERS_STREAM,
    filter: selection.filter,
    from:
      selection.since === undefined ? { policy: "all" } : { policy: "time", time: selection.since },
    headersOnly: options.headersOnly,
    signal: options.signal,
  })) {
    if (selection.until !== undefined && msg.time > selection.until) break;
    yield msg;
  }
}

/** Whether a dead letter holds a raw upstream payload (ingest) rather than an event (worker). */
export function isIngestDeadLetter(msg: StreamMessage): boolean {
  return msg.subject.startsWith("dlq.ingest.");
}

/** The `Castbus-*` headers of a dead letter that matter at a glance. */
export function deadLetterSummary(msg: StreamMessage) {
  const h = msg.headers;
  return {
    seq: msg.seq,
    subject: msg.subject,
    time: msg.time.toISOString(),
    reason: h[DeadLetterHeaders.reason] ?? null,
    error: h[DeadLetterHeaders.error] ?? null,
    eventId: h[DeadLetterHeaders.eventId] ?? null,
    originalSubject: h[DeadLetterHeaders.originalSubject] ?? null,
    // Nats-Msg-Size is added by headers-only reads; the dead letter itself does not carry it.
    headers: Object.fromEntries(Object.entries(h).filter(([k]) => k !== "Nats-Msg-Size")),
  };
}
