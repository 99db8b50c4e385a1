import { readFileSync } from "node:fs";
import {
  connect,
  credsAuthenticator,
  nkeyAuthenticator,
  type NatsConnection,
  type NodeConnectionOptions,
} from "@nats-io/transport-node";
import type { NatsConfig } from "./config.js";

/** Options of {@link connectNats}. */
export interface ConnectOptions {
  /** Connection name shown by the server (`castbus-worker-<pod>`). */
  name: string;
  /** Give up after this many reconnect attempts; -1 (default) = never, as a service must. */
  maxReconnectAttempts?: number;
  /** Delay between reconnect attempts. Default 2 s (plus jitter). */
  reconnectTimeWaitMs?: number;
}

/**
 * Connects with the settings a long-running service needs: reconnect forever, wait for the
 * first connect (a pod may start before NATS), a short ping interval so a dead link is noticed
 * within a minute, and auth/TLS from {@link NatsConfig}.
 */
export function connectNats(config: NatsConfig, options: ConnectOptions): Promise<NatsConnection> {
  return connect(connectionOptions(config, options));
}

/** The nats.js options {@link connectNats} uses (exposed for tests and tools). */
export function connectionOptions(
  config: NatsConfig,
  options: ConnectOptions,
): NodeConnectionOptions {
  const opts: NodeConnectionOptions = {
    servers: config.NATS_URL.split(",").map((s) => s.trim()),
    name: options.name,
    maxReconnectAttempts: options.maxReconnectAttempts ?? -1,
    reconnectTimeWait: options.reconnectTimeWaitMs ?? 2000,
    waitOnFirstConnect: true,
    pingInterval: config.NATS_PING_INTERVAL_MS,
    maxPingOut: 2,
  };
  if (config.NATS_USER !== undefined && config.NATS_PASSWORD !== undefined) {
    opts.user = config.NATS_USER;
    opts.pass = config.NATS_PASSWORD.reveal();
  }
  if (config.NATS_TOKEN !== undefined) opts.token = config.NATS_TOKEN.reveal();
  if (config.NATS_CREDS_FILE !== undefined) {
    opts.authenticator = credsAuthenticator(readFileSync(config.NATS_CREDS_FILE));
  }
  if (config.NATS_NKEY_SEED_FILE !== undefined) {
    const seed = readFileSync(config.NATS_NKEY_SEED_FILE, "utf8").trim();
    opts.authenticator = nkeyAuthenticator(new TextEncoder().encode(seed));
  }
  if (config.NATS_TLS_CA_FILE !== undefined || config.NATS_TLS_CERT_FILE !== undefined) {
    opts.tls = {
      ...(config.NATS_TLS_CA_FILE === undefined ? {} : { caFile: config.NATS_TLS_CA_FILE }),
      ...(config.NATS_TLS_CERT_FILE === undefined ? {} : { certFile: config.NATS_TLS_CERT_FILE }),
      ...(config.NATS_TLS_KEY_FILE === undefined ? {} : { keyFile: config.NATS_TLS_KEY_FILE }),
    };
  }
  return opts;
}

/** Callbacks of {@link watchConnection}. */
export interface ConnectionWatcher {
  /** Called with true when (re)connected and false when the link drops. */
  onConnectedChange?(connected: boolean): void;
  onReconnect?(): void;
  /** Something worth a log line: lame-duck mode, slow consumer, async server error. */
  onNotice?(kind: string, detail: string): void;
}

/**
 * Follows `nc.status()` until the connection closes, translating it into connected/disconnected
 * changes (readiness, metrics) and notices (logs).
 */
export async function watchConnection(
  nc: NatsConnection,
  watcher: ConnectionWatcher,
): Promise<void> {
  watcher.onConnectedChange?.(!nc.isClosed());
  for await (const status of nc.status()) {
    switch (status.type) {
      case "disconnect":
        watcher.onConnectedChange?.(false);
        break;
      case "reconnect":
        watcher.onConnectedChange?.(true);
        watcher.onReconnect?.();
        break;
      case "ldm":
        watcher.onNotice?.("lame_duck", "server entering lame-duck mode");
        break;
      case "slowConsumer":
        watcher.onNotice?.("slow_consumer", `subscription ${status.sub.getSubject()} is slow`);
        break;
      case "error":
        watcher.onNotice?.("server_error", status.error.message);
        break;
      case "staleConnection":
        watcher.onNotice?.("stale_connection", "no pong from server");
        break;
      default:
        break;
    }
  }
  watcher.onConnectedChange?.(false);
}

/** The server's version as [major, minor, patch]. */
export function serverVersion(nc: NatsConnection): [number, number, number] {
  const [major = 0, minor = 0, patch = 0] = (nc.info?.version ?? "0.0.0")
    .split("-", 1)[0]!
    .split(".")
    .map(Number);
  return [major, minor, patch];
}

/** Whether the connected server is at least `major.minor`. */
export function serverAtLeast(nc: NatsConnection, major: number, minor: number): boolean {
  const [ma, mi] = serverVersion(nc);
  return ma > major || (ma === major && mi >= minor);
}
