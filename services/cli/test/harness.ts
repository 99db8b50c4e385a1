import { loadConfig } from "@castbus/config";
import {
  DeadLetterHeaders,
  createEnvelope,
  ingestDeadLetterSubject,
  subjectForType,
  workerDeadLetterSubject,
} from "@castbus/events";
import {
  Publisher,
  connectNats,
  natsEnvShape,
  provision,
  streamEnvShape,
  type NatsConnection,
  type PublishAck,
} from "@castbus/nats";
import { startNatsServer, type NatsServerHandle } from "@castbus/testing";
import { randomUUID } from "node:crypto";
import { PassThrough } from "node:stream";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { run, type Io } from "../src/index.js";

/** The launcher users run (`npx castbus`); spawned by the tests that need a real process. */
export const BIN = fileURLToPath(new URL("../bin/castbus.mjs", import.meta.url));

/** A private nats-server with castbus' streams, and helpers that publish through the real path. */
export interface Stack {
  readonly server: NatsServerHandle;
  readonly nc: NatsConnection;
  readonly publisher: Publisher;
  /** `castbus <argv>` in-process against this server. */
  cli(argv: readonly string[], options?: CliOptions): Promise<CliResult>;
  /** Publishes a valid `chaturbate.tip` (id `tip-<n>`) from `viewer<n>` for `n` tokens. */
  tip(n: number, text?: string): Promise<PublishAck>;
  /** A worker dead letter of a `custom.test` event with envelope id `id`, as the worker writes it. */
  workerDeadLetter(id: string, group?: string, reason?: string): Promise<PublishAck>;
  /** An ingest dead letter (raw upstream bytes), as an ingester writes it. */
  ingestDeadLetter(source: string, raw: string): Promise<PublishAck>;
  stop(): Promise<void>;
}

/** How the in-process CLI sees its terminal. */
export interface CliOptions {
  env?: Record<string, string>;
  stdinTTY?: boolean;
  stdoutTTY?: boolean;
  stderrTTY?: boolean;
  /** Written to stdin (then closed). */
  input?: string;
  signal?: AbortSignal;
  /** Sees stdout as it is written (for commands that run until stopped). */
  onStdout?: (text: string) => void;
}

/** What a CLI run printed and returned. */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** NATS settings for `url`, parsed as the services parse them. */
export function natsConfig(url: string) {
  return loadConfig(z.object(natsEnvShape), { NATS_URL: url });
}

/** Runs `castbus <argv>` in-process with captured output and the given terminal. */
export async function runCli(
  argv: readonly string[],
  options: CliOptions = {},
): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const stdin = Object.assign(new PassThrough(), { isTTY: options.stdinTTY === true });
  if (options.input !== undefined) stdin.end(options.input);
  const io: Io = {
    stdout: {
      write: (t: string) => {
        stdout += t;
        options.onStdout?.(stdout);
      },
      isTTY: options.stdoutTTY === true,
    },
    stderr: { write: (t: string) => (stderr += t), isTTY: options.stderrTTY === true },
    stdin,
    env: { USER: "tester", ...options.env },
    signal: options.signal ?? new AbortController().signal,
  };
  const code = await run(argv, io);
  return { code, stdout, stderr };
}

/** Starts a private nats-server, provisions EVENTS, DEAD_LETTERS and CHECKPOINTS. */
export async function startStack(): Promise<Stack> {
  const server = await startNatsServer();
  const nc = await connectNats(natsConfig(server.url), { name: "cli-test" });
  await provision(nc, loadConfig(z.object(streamEnvShape), {}));
  const publisher = new Publisher(nc);
  return {
    server,
    nc,
    publisher,
    cli: (argv, options = {}) =>
      runCli(argv, { ...options, env: { NATS_URL: server.url, ...options.env } }),
    tip: (n, text = "") => {
      const envelope = createEnvelope({
        id: `tip-${n}`,
        source: "chaturbate/alice",
        type: "chaturbate.tip",
        data: {
          broadcaster: "alice",
          user: { username: `viewer${n}`, inFanclub: false, hasTokens: true, isMod: false },
          tokens: n,
          isAnon: false,
          text,
        },
      });
      return publisher.publish({
        subject: subjectForType(envelope.type),
        data: Buffer.from(JSON.stringify(envelope)),
        msgId: envelope.id,
      });
    },
    workerDeadLetter: (id, group = "workers", reason = "handler_failed") => {
      const envelope = createEnvelope({
        id,
        source: "cli/test",
        type: "custom.test",
        data: { n: id },
      });
      return publisher.publish({
        subject: workerDeadLetterSubject(group),
        data: Buffer.from(JSON.stringify(envelope)),
        msgId: `dlq:worker:${group}:${id}`,
        headers: {
          [DeadLetterHeaders.reason]: reason,
          [DeadLetterHeaders.error]: "boom: handler threw",
          [DeadLetterHeaders.consumer]: group,
          [DeadLetterHeaders.originalSubject]: subjectForType(envelope.type),
          [DeadLetterHeaders.eventId]: id,
          [DeadLetterHeaders.deliveries]: "5",
          [DeadLetterHeaders.time]: new Date().toISOString(),
        },
      });
    },
    ingestDeadLetter: (source, raw) =>
      publisher.publish({
        subject: ingestDeadLetterSubject(source),
        data: Buffer.from(raw),
        msgId: `dlq:ingest:${source}:${randomUUID()}`,
        headers: {
          [DeadLetterHeaders.reason]: "invalid_json",
          [DeadLetterHeaders.error]: "Unexpected token",
          [DeadLetterHeaders.source]: source,
          [DeadLetterHeaders.account]: "main",
          [DeadLetterHeaders.time]: new Date().toISOString(),
        },
      }),
    stop: async () => {
      await publisher.close();
      await nc.close();
      await server.dispose();
    },
  };
}

/** Splits CLI output into its non-empty lines. */
export function lines(text: string): string[] {
  return text.split("\n").filter((line) => line.length > 0);
}
