import { userInfo } from "node:os";
import { randomUUID } from "node:crypto";
import { text as readAll } from "node:stream/consumers";
import {
  EVENTS_STREAM,
  createEnvelope,
  customEventInputSchema,
  subjectForType,
  validateEvent,
} from "@castbus/events";
import { Publisher, streamStats, type NatsConnection, type PublishMessage } from "@castbus/nats";
import { parse } from "./args.js";
import type { Command } from "./command.js";
import { CliError, UsageError } from "./errors.js";
import type { Io } from "./io.js";
import { writeJson } from "./output.js";

const ACK_TIMEOUT_MS = 5000;

/** `castbus emit <type> <json>`: one custom event, validated as the gateway validates it. */
export const emitCommand: Command = {
  name: "emit",
  summary: "Publish a custom.<name> event (validated as the gateway validates it).",
  usage: ["emit <type> <json | -> [--id ID] [--time TIME] [--json]"],
  help: `Arguments:
  type             custom.<name>: lowercase NATS-safe tokens, e.g. custom.alert, custom.bot.reply
  json             the event's data: a JSON object; - reads it from stdin

Options:
  --id ID          your id for this event (1-128 of A-Z a-z 0-9 . _ : -): emitting the same id
                   again inside the stream's duplicate window stores nothing new
  --time TIME      when it happened (RFC 3339); default now

The envelope gets source cli/<user> and id custom:cli/<user>:<id> (a random id without --id).

Examples:
  castbus emit custom.alert '{"text":"hello"}'
  castbus emit custom.deploy '{"version":"1.4.2"}' --id deploy-1.4.2
  jq -c . payload.json | castbus emit custom.import - --json`,
  async run(argv, ctx) {
    const { values, positionals } = parse(
      argv,
      { id: { type: "string" }, time: { type: "string" } },
      { min: 2, max: 2, names: "<type> and <json>" },
    );
    const [type, dataArg] = positionals as [string, string];
    checkInput(type, values.id, values.time);
    const data = parseData(dataArg === "-" ? await readAll(ctx.io.stdin) : dataArg);
    const user = cliUser(ctx.io);
    const envelope = createEnvelope({
      id: `custom:cli/${user}:${values.id ?? randomUUID()}`,
      source: `cli/${user}`,
      type,
      data,
      ...(values.time === undefined ? {} : { time: new Date(values.time) }),
    });
    const checked = validateEvent(envelope);
    if (!checked.ok) throw new UsageError(`invalid event: ${checked.message}`);
    const nc = await ctx.nats(values.server);
    await streamStats(nc, EVENTS_STREAM); // fail fast when EVENTS is missing
    const ack = await publishOnce(nc, {
      subject: subjectForType(type),
      data: Buffer.from(JSON.stringify(envelope)),
      msgId: envelope.id,
    });
    const { id, source } = envelope;
    if (values.json === true) {
      const result = { id, type, subject: subjectForType(type), source, ...ack };
      writeJson(ctx.io.stdout, result);
    } else if (ack.duplicate) {
      ctx.io.stdout.write(
        `duplicate: EVENTS already holds ${id} (seq ${ack.seq}); nothing stored\n`,
      );
    } else {
      ctx.io.stdout.write(`published ${type} as ${id} (EVENTS seq ${ack.seq})\n`);
    }
    return 0;
  },
};

/** The gateway's rules (the shared custom-event input schema); data is checked by {@link parseData}. */
function checkInput(
  type: string,
  id: string | undefined,
  time: string | undefined,
): asserts type is `custom.${string}` {
  const result = customEventInputSchema.safeParse({
    type,
    data: {},
    ...(id === undefined ? {} : { id }),
    ...(time === undefined ? {} : { time }),
  });
  if (result.success) return;
  const issue = result.error.issues[0]!;
  const field = String(issue.path[0] ?? "type");
  const given = field === "type" ? type : field === "time" ? time : undefined;
  const name = field === "type" ? "type" : `--${field}`;
  throw new UsageError(`${name} ${issue.message}${given === undefined ? "" : `, not '${given}'`}`);
}

/** Publishes one message and waits (bounded) for its ack. */
async function publishOnce(
  nc: NatsConnection,
  msg: PublishMessage,
): Promise<{ seq: number; duplicate: boolean }> {
  const publisher = new Publisher(nc);
  const acked = publisher.publish(msg);
  acked.catch(() => undefined); // settled below, after close() bounds the wait
  await publisher.close(ACK_TIMEOUT_MS);
  try {
    const { seq, duplicate } = await acked;
    return { seq, duplicate };
  } catch (error) {
    throw new CliError(`no acknowledgement from JetStream: ${(error as Error).message}`);
  }
}

function parseData(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`<json> is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new UsageError('<json> must be a JSON object, e.g. \'{"text":"hello"}\'');
  }
  return value as Record<string, unknown>;
}

/** Who is emitting: `USER` (or `USERNAME`), else the OS account, made safe for an envelope source. */
function cliUser(io: Io): string {
  let name = io.env["USER"] ?? io.env["USERNAME"];
  if (name === undefined || name === "") {
    try {
      name = userInfo().username;
    } catch {
      name = "unknown";
    }
  }
  return name.replace(/[^A-Za-z0-9._-]/g, "_") || "unknown";
}
