import { SimulatorConfigError } from "../chaturbate/errors.js";
import type { SimClient, SimTokenInit, SimUserInit } from "./directory.js";

/**
 * Options of `startTwitchSimulator`. Defaults match production (§1–§3); the timing options
 * exist so tests can run a keepalive or subscribe deadline in a second instead of ten.
 */
export interface TwitchSimulatorOptions {
  /** TCP port; 0 (default) picks a free one. */
  readonly port?: number;
  /** Interface to bind (default `"127.0.0.1"`). */
  readonly host?: string;
  /** Registered applications. */
  readonly clients?: readonly SimClient[];
  /** Twitch accounts (broadcasters, moderators, bots). */
  readonly users?: readonly SimUserInit[];
  /** Tokens to issue at start (more with `issueToken`). */
  readonly tokens?: readonly SimTokenInit[];
  /** `keepalive_timeout_seconds` when the client asks for none (default 10). */
  readonly keepaliveDefaultS?: number;
  /** Clamp range of `keepalive_timeout_seconds` (default 10..600). */
  readonly keepaliveMinS?: number;
  readonly keepaliveMaxS?: number;
  /** 4003 deadline after a fresh welcome (default: the session's keepalive timeout, per the docs). */
  readonly subscribeDeadlineMs?: number;
  /** Ping cadence; an unanswered ping closes with 4002 (default 10 000; 0 = no pings). */
  readonly pingIntervalMs?: number;
  /** How long the old socket may stay open after `session_reconnect` before 4004 (default 30 000). */
  readonly reconnectGraceMs?: number;
  /** Whether the welcome after a reconnect keeps the session id (default true, as observed). */
  readonly reconnectKeepsSessionId?: boolean;
  /** After a hand-off, deliver to the old socket too while it stays open (default false). */
  readonly overlapDelivery?: boolean;
  /** `max_total_cost` per (client, user) (default 10). */
  readonly maxTotalCost?: number;
  /** Enabled subscriptions per session (default 300). */
  readonly maxSubscriptionsPerSession?: number;
  /** Sessions with enabled subscriptions per (client, user) (default 3). */
  readonly maxTransports?: number;
  /** Enabled subscriptions with the same type and condition (default 3). */
  readonly maxPerTypeAndCondition?: number;
  /** How long disabled subscriptions stay listed (default 60 000 ms). */
  readonly disabledRetentionMs?: number;
  /** Helix points per minute per (client, user) (default 800). */
  readonly rateLimitPerMinute?: number;
  /** Page size of the subscription list (default 100). */
  readonly pageSize?: number;
  /** Origin printed in URLs and `reconnect_url`, e.g. `http://sim:8092` (default: as reached). */
  readonly publicUrl?: string;
  /** Entries kept in `requests` and in the sent-message history (default 10 000). */
  readonly historySize?: number;
  /** Seed for generated payloads (default random). */
  readonly seed?: number;
}

/** Options with defaults filled in. */
export type ResolvedTwitchOptions = Readonly<
  Required<Omit<TwitchSimulatorOptions, "subscribeDeadlineMs" | "publicUrl" | "seed">> & {
    subscribeDeadlineMs: number | undefined;
    publicUrl: string | undefined;
    seed: number | undefined;
  }
>;

/** Fills in defaults and checks every option, reporting all problems in one error. */
export function resolveTwitchOptions(options: TwitchSimulatorOptions): ResolvedTwitchOptions {
  const resolved: ResolvedTwitchOptions = {
    port: options.port ?? 0,
    host: options.host ?? "127.0.0.1",
    clients: options.clients ?? [],
    users: options.users ?? [],
    tokens: options.tokens ?? [],
    keepaliveDefaultS: options.keepaliveDefaultS ?? 10,
    keepaliveMinS: options.keepaliveMinS ?? 10,
    keepaliveMaxS: options.keepaliveMaxS ?? 600,
    subscribeDeadlineMs: options.subscribeDeadlineMs,
    pingIntervalMs: options.pingIntervalMs ?? 10_000,
    reconnectGraceMs: options.reconnectGraceMs ?? 30_000,
    reconnectKeepsSessionId: options.reconnectKeepsSessionId ?? true,
    overlapDelivery: options.overlapDelivery ?? false,
    maxTotalCost: options.maxTotalCost ?? 10,
    maxSubscriptionsPerSession: options.maxSubscriptionsPerSession ?? 300,
    maxTransports: options.maxTransports ?? 3,
    maxPerTypeAndCondition: options.maxPerTypeAndCondition ?? 3,
    disabledRetentionMs: options.disabledRetentionMs ?? 60_000,
    rateLimitPerMinute: options.rateLimitPerMinute ?? 800,
    pageSize: options.pageSize ?? 100,
    publicUrl: options.publicUrl?.replace(/\/+$/, ""),
    historySize: options.historySize ?? 10_000,
    seed: options.seed,
  };
  const problems = findProblems(resolved);
  if (problems.length > 0) throw new SimulatorConfigError(problems);
  return Object.freeze(resolved);
}

function findProblems(o: ResolvedTwitchOptions): string[] {
  const problems: string[] = [];
  const integer = (name: string, value: number | undefined, min: number, max = 2 ** 31): void => {
    if (value !== undefined && (!Number.isInteger(value) || value < min || value > max)) {
      problems.push(`${name} must be an integer in ${min}..${max}, got ${value}`);
    }
  };
  integer("port", o.port, 0, 65535);
  integer("keepaliveMinS", o.keepaliveMinS, 1, 600);
  integer("keepaliveMaxS", o.keepaliveMaxS, 1, 600);
  integer("keepaliveDefaultS", o.keepaliveDefaultS, 1, 600);
  integer("subscribeDeadlineMs", o.subscribeDeadlineMs, 1);
  integer("pingIntervalMs", o.pingIntervalMs, 0);
  integer("reconnectGraceMs", o.reconnectGraceMs, 1);
  integer("maxTotalCost", o.maxTotalCost, 0);
  integer("maxSubscriptionsPerSession", o.maxSubscriptionsPerSession, 1);
  integer("maxTransports", o.maxTransports, 1);
  integer("maxPerTypeAndCondition", o.maxPerTypeAndCondition, 1);
  integer("disabledRetentionMs", o.disabledRetentionMs, 0);
  integer("rateLimitPerMinute", o.rateLimitPerMinute, 1);
  integer("pageSize", o.pageSize, 1, 100);
  integer("historySize", o.historySize, 1);
  integer("seed", o.seed, 0, 2 ** 32 - 1);
  if (o.keepaliveMinS > o.keepaliveMaxS) problems.push("keepaliveMinS must be <= keepaliveMaxS");
  if (o.keepaliveDefaultS < o.keepaliveMinS || o.keepaliveDefaultS > o.keepaliveMaxS) {
    problems.push("keepaliveDefaultS must lie within keepaliveMinS..keepaliveMaxS");
  }
  if (o.publicUrl !== undefined && !URL.canParse(o.publicUrl)) {
    problems.push(`publicUrl must be an absolute URL, got ${JSON.stringify(o.publicUrl)}`);
  }
  return problems;
}
