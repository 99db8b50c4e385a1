import { env, loadConfig, type ConfigIssue, type Env } from "@castbus/config";
import { ingestEnvShape } from "@castbus/ingest";
import { natsConfigChecks } from "@castbus/nats";
import { z } from "zod";
import { SUBSCRIPTIONS, SUBSCRIPTION_TYPES, type SubscriptionType } from "./upstream.js";

/** Twitch's `max_total_cost` per user token for WebSocket subscriptions (§2.5). */
export const MAX_TOTAL_COST = 10;
/** Enabled subscriptions one WebSocket session may carry (§2.5). */
export const MAX_SUBSCRIPTIONS_PER_SESSION = 300;

/** Environment of `ingester-twitch` (documented in the README, one row per variable). */
export const twitchEnvSchema = z.object({
  ...ingestEnvShape,
  TWITCH_EVENTSUB_URL: env.url(["wss:", "ws:"]).default("wss://eventsub.wss.twitch.tv/ws"),
  TWITCH_API_URL: env.url().default("https://api.twitch.tv/helix"),
  TWITCH_AUTH_URL: env.url().default("https://id.twitch.tv/oauth2"),
  TWITCH_CLIENT_ID: env.string().regex(/^[A-Za-z0-9]{1,64}$/, { error: "must be a client id" }),
  TWITCH_ACCESS_TOKEN: env.secret(),
  TWITCH_REFRESH_TOKEN: env.secret().optional(),
  TWITCH_CLIENT_SECRET: env.secret().optional(),
  TWITCH_BROADCASTER_ID: env.list().optional(),
  TWITCH_BROADCASTER_LOGIN: env.list().optional(),
  /** castbus types (`twitch.follow`) or EventSub types (`channel.follow`); default all 11. */
  TWITCH_EVENTS: env.list().optional(),
  /** Asked of Twitch on connect (it clamps to 10–600); unset: Twitch's default (10). */
  TWITCH_KEEPALIVE_TIMEOUT_S: env.int(1, 600).optional(),
  TWITCH_VALIDATE_INTERVAL_S: env.int(1, 86_400).default(3600),
  TWITCH_RECONNECT_BACKOFF_MS: env.int(0, 600_000).default(1000),
  TWITCH_RECONNECT_MAX_DELAY_MS: env.int(0, 3_600_000).default(60_000),
  TWITCH_HTTP_TIMEOUT_MS: env.int(100, 120_000).default(10_000),
  TWITCH_KEEP_RAW: env.bool().default(false),
  /** Keep refreshed tokens in this NATS KV bucket (Twitch rotates refresh tokens); unset: memory only. */
  TWITCH_TOKEN_KV: env
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, {
      error: "must be a KV bucket name (letters, digits, - and _)",
    })
    .optional(),
});

/** Parsed configuration. */
export type TwitchConfig = z.output<typeof twitchEnvSchema>;

/** Loads and checks the environment; throws `ConfigError` listing every problem. */
export function loadTwitchConfig(source: Env = process.env): TwitchConfig {
  return loadConfig(twitchEnvSchema, source, {
    checks: [natsConfigChecks, broadcasterChecks, eventChecks, limitChecks],
  });
}

/** The EventSub types to subscribe to, from `TWITCH_EVENTS` (all 11 when unset). */
export function enabledTypes(config: TwitchConfig): SubscriptionType[] {
  const wanted = config.TWITCH_EVENTS;
  if (wanted === undefined) return [...SUBSCRIPTION_TYPES];
  const set = new Set(wanted.map(subscriptionTypeOf));
  return SUBSCRIPTION_TYPES.filter((type) => set.has(type));
}

/** `twitch.follow` or `channel.follow` → `channel.follow`; undefined when unknown. */
function subscriptionTypeOf(name: string): SubscriptionType | undefined {
  return SUBSCRIPTION_TYPES.find((type) => type === name || SUBSCRIPTIONS[type].eventType === name);
}

function broadcasterChecks(c: TwitchConfig): ConfigIssue[] {
  const ids = c.TWITCH_BROADCASTER_ID ?? [];
  const logins = c.TWITCH_BROADCASTER_LOGIN ?? [];
  const issues: ConfigIssue[] = [];
  if (ids.length + logins.length === 0) {
    issues.push({
      variable: "TWITCH_BROADCASTER_ID",
      message: "set TWITCH_BROADCASTER_ID or TWITCH_BROADCASTER_LOGIN (comma-separated lists)",
    });
  }
  if (ids.some((id) => !/^\d{1,20}$/.test(id))) {
    issues.push({ variable: "TWITCH_BROADCASTER_ID", message: "must be numeric Twitch user ids" });
  }
  if (logins.some((login) => !/^[A-Za-z0-9_]{1,25}$/.test(login))) {
    issues.push({ variable: "TWITCH_BROADCASTER_LOGIN", message: "must be Twitch logins" });
  }
  const all = [...ids, ...logins.map((login) => login.toLowerCase())];
  if (new Set(all).size !== all.length) {
    issues.push({ variable: "TWITCH_BROADCASTER_ID", message: "lists a broadcaster twice" });
  }
  return issues;
}

function eventChecks(c: TwitchConfig): ConfigIssue[] {
  const unknown = (c.TWITCH_EVENTS ?? []).filter((name) => subscriptionTypeOf(name) === undefined);
  if (unknown.length === 0) return [];
  return [
    {
      variable: "TWITCH_EVENTS",
      message: `unknown ${unknown.join(", ")}; use ${SUBSCRIPTION_TYPES.map((t) => SUBSCRIPTIONS[t].eventType).join(", ")}`,
    },
  ];
}

/**
 * Twitch's per-token limits, checked before anything connects: every broadcaster shares one
 * WebSocket session, so the 3-connection limit is never reached, but cost-1 types (raid, stream
 * online/offline, channel update) of channels that did not authorize the app add up against
 * `max_total_cost` 10. The token's own channel costs nothing, so the check assumes one of the
 * broadcasters is the token's user; the exact total is checked again once the token is known.
 */
function limitChecks(c: TwitchConfig): ConfigIssue[] {
  const broadcasters =
    (c.TWITCH_BROADCASTER_ID?.length ?? 0) + (c.TWITCH_BROADCASTER_LOGIN?.length ?? 0);
  const types = enabledTypes(c);
  const costly = types.filter((type) => SUBSCRIPTIONS[type].costsWhenUnauthorized).length;
  const issues: ConfigIssue[] = [];
  if ((broadcasters - 1) * costly > MAX_TOTAL_COST) {
    issues.push({
      variable: "TWITCH_BROADCASTER_ID",
      message:
        `${broadcasters} broadcasters × ${costly} cost-1 types (raid, stream online/offline, channel update) ` +
        `exceed Twitch's max_total_cost of ${MAX_TOTAL_COST} per token; watch fewer channels, ` +
        "drop those types from TWITCH_EVENTS, or run another ingester with another user's token",
    });
  }
  if (broadcasters * types.length > MAX_SUBSCRIPTIONS_PER_SESSION) {
    issues.push({
      variable: "TWITCH_BROADCASTER_ID",
      message: `more than ${MAX_SUBSCRIPTIONS_PER_SESSION} subscriptions on one session`,
    });
  }
  return issues;
}
