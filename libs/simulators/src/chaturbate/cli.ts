import { UsageError } from "../command.js";
import type { FlagValues, RunningSimulator, SimulatorCommand } from "../command.js";
import { SimulatorConfigError } from "./errors.js";
import type { ChaturbateSimulatorOptions } from "./options.js";
import { startChaturbateSimulator } from "./server.js";

/** `castbus-sim chaturbate`: a Chaturbate Events API simulator with a steady event generator. */
export const chaturbateCommand: SimulatorCommand = {
  summary: "chaturbate   Chaturbate Events API (long-poll feed, faults, /__sim/ control API)",
  usage: [
    "  --port <n>                    TCP port (default 0: a free port)",
    "  --host <addr>                 interface to bind (default 127.0.0.1)",
    "  --account <user:token>        an account; repeat for more (token: 24 characters)",
    "  --rate <events/s>             generated events per second per account (default 0)",
    "  --backlog <n>                 events a request without i gets (default 20)",
    "  --auth-status <401|403|404>   status for bad or revoked tokens (default 401)",
    "  --cursor-retention-ms <n>     cursors older than this are refused (default: never)",
    "  --max-timeout <s>             clamp for the timeout parameter (default 90)",
    "  --public-url <url>            origin used in nextUrl (default: the request's Host)",
    "  --gzip                        gzip responses for clients that accept it",
    "  --seed <n>                    seed for repeatable payloads",
  ].join("\n"),
  options: {
    port: { type: "string" },
    host: { type: "string" },
    account: { type: "string", multiple: true },
    rate: { type: "string" },
    backlog: { type: "string" },
    "auth-status": { type: "string" },
    "cursor-retention-ms": { type: "string" },
    "max-timeout": { type: "string" },
    "public-url": { type: "string" },
    gzip: { type: "boolean" },
    seed: { type: "string" },
  },
  start: startFromFlags,
};

async function startFromFlags(values: FlagValues): Promise<RunningSimulator> {
  const rate = numberFlag(values, "rate") ?? 0;
  const simulator = await startChaturbateSimulator(optionsFromFlags(values)).catch(
    (error: unknown) => {
      // Bad option values are command-line mistakes: report them with the usage text.
      throw error instanceof SimulatorConfigError ? new UsageError(error.message) : error;
    },
  );
  if (rate > 0) {
    for (const { username } of accountsFromFlags(values)) simulator.startGenerator(username, rate);
  }
  return {
    announcement: { simulator: "chaturbate", url: simulator.url, baseUrl: simulator.baseUrl },
    close: () => simulator.close(),
  };
}

function optionsFromFlags(values: FlagValues): ChaturbateSimulatorOptions {
  const authStatus = numberFlag(values, "auth-status");
  if (authStatus !== undefined && authStatus !== 401 && authStatus !== 403 && authStatus !== 404) {
    throw new UsageError("--auth-status must be 401, 403 or 404");
  }
  const options: Record<string, unknown> = {
    port: numberFlag(values, "port"),
    host: values["host"],
    accounts: accountsFromFlags(values),
    backlogSize: numberFlag(values, "backlog"),
    authFailureStatus: authStatus,
    cursorRetentionMs: numberFlag(values, "cursor-retention-ms"),
    maxTimeoutS: numberFlag(values, "max-timeout"),
    publicUrl: values["public-url"],
    gzip: values["gzip"],
    seed: numberFlag(values, "seed"),
  };
  // exactOptionalPropertyTypes: leave unset flags out rather than passing undefined.
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}

function accountsFromFlags(values: FlagValues): { username: string; token: string }[] {
  const flags = values["account"];
  const list = Array.isArray(flags) ? flags : [];
  return list.map((flag) => {
    const text = String(flag);
    const colon = text.indexOf(":");
    if (colon <= 0 || colon === text.length - 1) {
      throw new UsageError(`--account must be <username>:<token>, got ${JSON.stringify(text)}`);
    }
    return { username: text.slice(0, colon), token: text.slice(colon + 1) };
  });
}

function numberFlag(values: FlagValues, name: string): number | undefined {
  const value = values[name];
  if (value === undefined) return undefined;
  if (typeof value !== "string" || !/^\d+(\.\d+)?$/.test(value)) {
    throw new UsageError(`--${name} must be a non-negative number, got ${JSON.stringify(value)}`);
  }
  return Number(value);
}
