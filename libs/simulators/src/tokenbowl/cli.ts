import { SimulatorConfigError } from "../chaturbate/errors.js";
import { UsageError } from "../command.js";
import type { FlagValues, RunningSimulator, SimulatorCommand } from "../command.js";
import type { TokenBowlAccount, TokenBowlSimulatorOptions } from "./options.js";
import { startTokenBowlSimulator } from "./server.js";

/** Messages of league chat posted at start in demo mode, so a first poll has a backlog. */
const DEMO_BACKLOG = 12;
const DEMO_RATE = 1;

/** `castbus-sim tokenbowl`: a Token Bowl Chat server fake, optionally with live league chat. */
export const tokenbowlCommand: SimulatorCommand = {
  summary: "tokenbowl    Token Bowl Chat server (REST API, 100-message retention, faults, /__sim/)",
  usage: [
    "  --port <n>                    TCP port (default 0: a free port)",
    "  --host <addr>                 interface to bind (default 127.0.0.1)",
    "  --account <user[:apikey]>     an account; repeat for more (key: 32-128 chars, default random)",
    "  --demo                        league chat: a short backlog, then --rate messages/s (default 1)",
    "  --rate <messages/s>           league chat rate (default 0; 1 with --demo)",
    "  --retention <n>               messages kept (default 100, as the real server)",
    "  --legacy                      behave like server <= 1.1.1 (oldest-first, 6-field messages)",
    "  --seed <n>                    seed for repeatable chat",
  ].join("\n"),
  options: {
    port: { type: "string" },
    host: { type: "string" },
    account: { type: "string", multiple: true },
    demo: { type: "boolean" },
    rate: { type: "string" },
    retention: { type: "string" },
    legacy: { type: "boolean" },
    seed: { type: "string" },
  },
  start: startFromFlags,
};

async function startFromFlags(values: FlagValues): Promise<RunningSimulator> {
  const accounts = accountsFromFlags(values);
  const demo = values["demo"] === true;
  const rate = numberFlag(values, "rate") ?? (demo ? DEMO_RATE : 0);
  const options: Record<string, unknown> = {
    port: numberFlag(values, "port"),
    host: values["host"],
    retention: numberFlag(values, "retention"),
    legacy: values["legacy"],
    seed: numberFlag(values, "seed"),
  };
  // exactOptionalPropertyTypes: leave unset flags out rather than passing undefined.
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  const simulator = await startTokenBowlSimulator(defined as TokenBowlSimulatorOptions).catch(
    (error: unknown) => {
      throw error instanceof SimulatorConfigError ? new UsageError(error.message) : error;
    },
  );
  const announced = accounts.map((account) => {
    const apiKey = simulator.register(account.username, {
      ...(account.apiKey === undefined ? {} : { apiKey: account.apiKey }),
    });
    // A key the caller chose is not echoed; a generated one is how the caller learns it.
    return account.apiKey === undefined
      ? { username: account.username, apiKey }
      : { username: account.username };
  });
  if (demo) simulator.flood(DEMO_BACKLOG);
  if (rate > 0) simulator.generate(rate);
  return {
    announcement: { simulator: "tokenbowl", url: simulator.url, accounts: announced },
    close: () => simulator.close(),
  };
}

function accountsFromFlags(values: FlagValues): TokenBowlAccount[] {
  const flags = values["account"];
  const list = Array.isArray(flags) ? flags : [];
  return list.map((flag) => {
    const text = String(flag);
    const colon = text.indexOf(":");
    const username = colon < 0 ? text : text.slice(0, colon);
    const apiKey = colon < 0 ? undefined : text.slice(colon + 1);
    if (username === "" || username.length > 50) {
      throw new UsageError(
        `--account needs a 1-50 character username, got ${JSON.stringify(text)}`,
      );
    }
    if (apiKey !== undefined && (apiKey.length < 32 || apiKey.length > 128)) {
      throw new UsageError(`--account ${username}: the API key must be 32-128 characters`);
    }
    return apiKey === undefined ? { username } : { username, apiKey };
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
