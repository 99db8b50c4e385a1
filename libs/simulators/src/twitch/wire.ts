import { randomUUID } from "node:crypto";

/**
 * The EventSub wire format (reference: shared/reference/twitch-eventsub.md §1, §4): message
 * envelopes, the subscription types this simulator serves, close codes and timestamps.
 */

/** Who must have authorized a subscription type (the token's user must be that person). */
export type Authorizer = "broadcaster" | "moderator" | "chatter" | "none";

/** What the simulator knows about one subscription type. */
export interface SubscriptionTypeSpec {
  readonly version: string;
  /** Condition keys that must be present (raid: see `oneOf`). */
  readonly required: readonly string[];
  /** Exactly one of these keys must be present (channel.raid). */
  readonly oneOf?: readonly string[];
  /** Optional condition keys. */
  readonly optional?: readonly string[];
  /** Any one of these scopes is enough; empty: no scope needed. */
  readonly scopes: readonly string[];
  readonly authorizer: Authorizer;
  /** Cost 1 unless the user in the condition authorized the client (else 0). */
  readonly costsWhenUnauthorized: boolean;
}

/** The 11 types castbus subscribes to, with their current versions (§4 table). */
export const SUBSCRIPTION_TYPES: Readonly<Record<string, SubscriptionTypeSpec>> = {
  "channel.chat.message": {
    version: "1",
    required: ["broadcaster_user_id", "user_id"],
    scopes: ["user:read:chat"],
    authorizer: "chatter",
    costsWhenUnauthorized: false,
  },
  "channel.follow": {
    version: "2",
    required: ["broadcaster_user_id", "moderator_user_id"],
    scopes: ["moderator:read:followers"],
    authorizer: "moderator",
    costsWhenUnauthorized: false,
  },
  "channel.subscribe": broadcasterScoped(["channel:read:subscriptions"]),
  "channel.subscription.gift": broadcasterScoped(["channel:read:subscriptions"]),
  "channel.subscription.message": broadcasterScoped(["channel:read:subscriptions"]),
  "channel.raid": {
    version: "1",
    required: [],
    oneOf: ["from_broadcaster_user_id", "to_broadcaster_user_id"],
    scopes: [],
    authorizer: "none",
    costsWhenUnauthorized: true,
  },
  "channel.cheer": broadcasterScoped(["bits:read"]),
  "channel.channel_points_custom_reward_redemption.add": {
    ...broadcasterScoped(["channel:read:redemptions", "channel:manage:redemptions"]),
    optional: ["reward_id"],
  },
  "stream.online": publicType("1"),
  "stream.offline": publicType("1"),
  "channel.update": publicType("2"),
};

/** Versions Twitch removed: a create request for one gets 410 Gone (twitchdev/issues 1018). */
export const REMOVED_VERSIONS: ReadonlySet<string> = new Set(["channel.follow@1"]);

function broadcasterScoped(scopes: readonly string[]): SubscriptionTypeSpec {
  return {
    version: "1",
    required: ["broadcaster_user_id"],
    scopes,
    authorizer: "broadcaster",
    costsWhenUnauthorized: false,
  };
}

function publicType(version: string): SubscriptionTypeSpec {
  return {
    version,
    required: ["broadcaster_user_id"],
    scopes: [],
    authorizer: "none",
    costsWhenUnauthorized: true,
  };
}

/** The subscription types the simulator serves, in a stable order. */
export const TWITCH_SUBSCRIPTION_TYPES = Object.keys(SUBSCRIPTION_TYPES);

/** Whether `type` is one of the served subscription types. */
export function isSubscriptionType(type: unknown): type is string {
  return typeof type === "string" && Object.hasOwn(SUBSCRIPTION_TYPES, type);
}

/** Close codes and the reason text sent with each (observed strings where known, §1.8). */
export const CLOSE_REASONS: Readonly<Record<number, string>> = {
  4000: "Internal server error",
  4001: "Client sent inbound traffic",
  4002: "Client failed ping-pong",
  4003: "Connection unused, you have to create a subscription within 10 seconds",
  4004: "Reconnect grace time expired",
  4005: "Network timeout",
  4006: "Network error",
  4007: "Invalid reconnect",
};

/** The subscription status a session's subscriptions get when it closes with `code` (§3.2). */
export const CLOSE_STATUS: Readonly<Record<number, string>> = {
  1000: "websocket_disconnected",
  4000: "websocket_internal_error",
  4001: "websocket_received_inbound_traffic",
  4002: "websocket_failed_ping_pong",
  4003: "websocket_connection_unused",
  4004: "websocket_failed_to_reconnect",
  4005: "websocket_network_timeout",
  4006: "websocket_network_error",
  4007: "websocket_disconnected",
};

/** Revocation reasons Twitch documents (§1.7). */
export const REVOCATION_STATUSES = [
  "authorization_revoked",
  "user_removed",
  "version_removed",
  "moderator_removed",
  "beta_maintenance",
  "chat_user_banned",
] as const;

/** One revocation reason. */
export type RevocationStatus = (typeof REVOCATION_STATUSES)[number];

/** A subscription as Helix and notifications show it. */
export interface WireSubscription {
  id: string;
  status: string;
  type: string;
  version: string;
  condition: Record<string, string>;
  created_at: string;
  transport: {
    method: "websocket";
    session_id: string;
    connected_at?: string;
    disconnected_at?: string;
  };
  cost: number;
}

/** One EventSub WebSocket message. */
export interface WireMessage {
  metadata: {
    message_id: string;
    message_type: string;
    message_timestamp: string;
    subscription_type?: string;
    subscription_version?: string;
  };
  payload: Record<string, unknown>;
}

/** `payload.session` of a welcome or reconnect message. */
export interface WireSession {
  id: string;
  status: "connected" | "reconnecting";
  connected_at: string;
  keepalive_timeout_seconds: number | null;
  reconnect_url: string | null;
}

/** A message of `type` with a fresh id, stamped now (or at `at`). */
export function message(
  type: string,
  payload: Record<string, unknown>,
  subscription?: { type: string; version: string },
  at: Date = new Date(),
): WireMessage {
  return {
    metadata: {
      message_id: randomUUID(),
      message_type: type,
      message_timestamp: nanoTimestamp(at),
      ...(subscription === undefined
        ? {}
        : { subscription_type: subscription.type, subscription_version: subscription.version }),
    },
    payload,
  };
}

/**
 * RFC 3339 with nanoseconds as Twitch sends them (`2023-07-19T14:56:51.634234626Z`): the ms of
 * `date`, six made-up sub-ms digits, trailing zeros trimmed as Go's RFC3339Nano does — so a
 * client sees 0–9 fractional digits.
 */
export function nanoTimestamp(date: Date, subMs = Math.floor(Math.random() * 1_000_000)): string {
  const iso = date.toISOString(); // 2023-07-19T14:56:51.634Z
  const fraction = `${iso.slice(20, 23)}${String(subMs).padStart(6, "0")}`.replace(/0+$/, "");
  return `${iso.slice(0, 19)}${fraction === "" ? "" : `.${fraction}`}Z`;
}

/** An opaque session id in the production style (`AQoQ...`, base64url-like). */
export function sessionId(): string {
  const bytes = Buffer.from(randomUUID().replaceAll("-", ""), "hex");
  return `AQoQ${bytes.toString("base64url").slice(0, 22)}hAB`;
}
