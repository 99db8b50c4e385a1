import { UsageError } from "../command.js";
import type { FlagValues, RunningSimulator, SimulatorCommand } from "../command.js";
import { SimulatorConfigError } from "../chaturbate/errors.js";
import type { SimUserInit } from "./directory.js";
import type { TwitchSimulatorOptions } from "./options.js";
import { startTwitchSimulator } from "./server.js";

/** Every scope the 11 castbus subscription types need. */
export const ALL_SCOPES: readonly string[] = [
  "user:read:chat",
  "moderator:read:followers",
  "channel:read:subscriptions",
  "bits:read",
  "channel:read:redemptions",
];

const DEFAULT_CLIENT = "castbussimclient";

/** `castbus-sim twitch`: EventSub WebSocket + Helix + OAuth simulator with an event generator. */
export const twitchCommand: SimulatorCommand = {
  summary: "twitch       Twitch EventSub WebSocket + Helix + OAuth (faults, /__sim/ control API)",
  usage: [
    "  --port <n>                    TCP port (default 0: a free port)",
    "  --host <addr>                 interface to bind (default 127.0.0.1)",
    `  --client <id:secret>          the application (default ${DEFAULT_CLIENT}:<random>)`,
    "  --broadcaster <id:login>      a channel; repeat for more (default 141981764:twitchdev)",
    "  --token <access[:refresh]>    a user token of the first broadcaster with every scope",
    "  --rate <events/s>             generated notifications per second (default 0)",
    "  --keepalive <s>               default keepalive_timeout_seconds (default 10)",
    "  --min-keepalive <s>           lower clamp of keepalive_timeout_seconds (default 10)",
    "  --subscribe-deadline-ms <n>   4003 deadline after a welcome (default: the keepalive)",
    "  --reconnect-grace-ms <n>      4004 after session_reconnect (default 30000)",
    "  --public-url <url>            origin used in printed URLs and reconnect_url",
    "  --seed <n>                    seed for repeatable payloads",
  ].join("\n"),
  options: {
    port: { type: "string" },
    host: { type: "string" },
    client: { type: "string" },
    broadcaster: { type: "string", multiple: true },
    token: { type: "string" },
    rate: { type: "string" },
    keepalive: { type: "string" },
    "min-keepalive": { type: "string" },
    "subscribe-deadline-ms": { type: "string" },
    "reconnect-grace-ms": { type: "string" },
    "public-url": { type: "string" },
    seed: { type: "string" },
  },
  start: startFromFlags,
};

async function startFromFlags(values: FlagValues): Promise<RunningSimulator> {
  const rate = numberFlag(values, "rate") ?? 0;
  const client = pair(
    values["client"] ?? `${DEFAULT_CLIENT}:${Math.random().toString(36).slice(2)}`,
    "--client",
  );
  const broadcasters = broadcastersFromFlags(values);
  const simulator = await startTwitchSimulator({
    ...optionsFromFlags(values),
    clients: [{ clientId: client[0], clientSecret: client[1] }],
    users: broadcasters,
  }).catch((error: unknown) => {
    throw error instanceof SimulatorConfigError ? new UsageError(error.message) : error;
  });
  const token = values["token"];
  if (typeof token === "string") {
    const [accessToken, refreshToken] = token.split(":");
    simulator.issueToken({
      accessToken: accessToken!,
      refreshToken: refreshToken ?? null,
      userId: broadcasters[0]!.id,
      clientId: client[0],
      scopes: ALL_SCOPES,
      // A demo should not die of an expired token after four hours.
      expiresInS: 30 * 24 * 3600,
    });
  }
  simulator.startGenerator(rate);
  return {
    announcement: {
      simulator: "twitch",
      url: simulator.url,
      eventsubUrl: simulator.eventsubUrl,
      apiUrl: simulator.apiUrl,
      authUrl: simulator.authUrl,
      clientId: client[0],
      broadcasterIds: broadcasters.map((b) => b.id),
    },
    close: () => simulator.close(),
  };
}

function optionsFromFlags(values: FlagValues): TwitchSimulatorOptions {
  const keepalive = numberFlag(values, "keepalive");
  const minKeepalive = numberFlag(values, "min-keepalive");
  const options: Record<string, unknown> = {
    port: numberFlag(values, "port"),
    host: values["host"],
    keepaliveDefaultS: keepalive,
    keepaliveMinS:
      minKeepalive ?? (keepalive !== undefined && keepalive < 10 ? keepalive : undefined),
    subscribeDeadlineMs: numberFlag(values, "subscribe-deadline-ms"),
    reconnectGraceMs: numberFlag(values, "reconnect-grace-ms"),
    publicUrl: values["public-url"],
    seed: numberFlag(values, "seed"),
  };
  // exactOptionalPropertyTypes: leave unset flags out rather than passing undefined.
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}

function broadcastersFromFlags(values: FlagValues): SimUserInit[] {
  const flags = values["broadcaster"];
  const list = Array.isArray(flags) && flags.length > 0 ? flags : ["141981764:twitchdev"];
  return list.map((flag) => {
    const [id, login] = pair(flag, "--broadcaster");
    if (!/^\d+$/.test(id))
      throw new UsageError(`--broadcaster id must be digits, got ${JSON.stringify(id)}`);
    return { id, login: login.toLowerCase(), displayName: login };
  });
}

function pair(value: unknown, flag: string): [string, string] {
  const text = String(value);
  const colon = text.indexOf(":");
  if (colon <= 0 || colon === text.length - 1) {
    throw new UsageError(`${flag} must be <a>:<b>, got ${JSON.stringify(text)}`);
  }
  return [text.slice(0, colon), text.slice(colon + 1)];
}

function numberFlag(values: FlagValues, name: string): number | undefined {
  const value = values[name];
  if (value === undefined) return undefined;
  if (typeof value !== "string" || !/^\d+(\.\d+)?$/.test(value)) {
    throw new UsageError(`--${name} must be a non-negative number, got ${JSON.stringify(value)}`);
  }
  return Number(value);
}
