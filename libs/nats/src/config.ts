import { env, type ConfigIssue } from "@castbus/config";
import type { z } from "zod";

/**
 * NATS connection settings every service reads from its environment. Exactly one auth method
 * may be set: user + password, token, credentials file (JWT + nkey), or nkey seed file. TLS is
 * enabled by a CA file (server verification) and optionally a client certificate + key.
 */
export const natsEnvShape = {
  NATS_URL: env.string().default("nats://127.0.0.1:4222"),
  NATS_USER: env.string().optional(),
  NATS_PASSWORD: env.secret().optional(),
  NATS_TOKEN: env.secret().optional(),
  NATS_CREDS_FILE: env.string().optional(),
  NATS_NKEY_SEED_FILE: env.string().optional(),
  NATS_TLS_CA_FILE: env.string().optional(),
  NATS_TLS_CERT_FILE: env.string().optional(),
  NATS_TLS_KEY_FILE: env.string().optional(),
  /** Lowered from nats.js' 2 min so a dead link is noticed in ~40 s. */
  NATS_PING_INTERVAL_MS: env.int(1000, 600_000).default(20_000),
};

/**
 * Stream sizing, shared by every service because each provisions the streams at start (the
 * first one creates them, later ones update them to the same settings).
 */
export const streamEnvShape = {
  EVENTS_MAX_AGE_S: env.int(0, 10 * 365 * 86_400).default(7 * 86_400),
  EVENTS_MAX_BYTES: env.int(-1, Number.MAX_SAFE_INTEGER).default(-1),
  EVENTS_REPLICAS: env.int(1, 5).default(1),
  EVENTS_DUPLICATE_WINDOW_S: env.int(1, 86_400).default(120),
  DEAD_LETTERS_MAX_AGE_S: env.int(0, 10 * 365 * 86_400).default(30 * 86_400),
};

/** Parsed NATS settings. */
export type NatsConfig = z.output<z.ZodObject<typeof natsEnvShape>>;
/** Parsed stream settings. */
export type StreamConfig = z.output<z.ZodObject<typeof streamEnvShape>>;

/**
 * Cross-field rules for the NATS settings (one auth method; password with user; cert with key),
 * for `loadConfig(schema, env, { checks: [natsConfigChecks] })`.
 */
export function natsConfigChecks(c: NatsConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const methods = [
    c.NATS_USER !== undefined || c.NATS_PASSWORD !== undefined ? "NATS_USER/NATS_PASSWORD" : "",
    c.NATS_TOKEN !== undefined ? "NATS_TOKEN" : "",
    c.NATS_CREDS_FILE !== undefined ? "NATS_CREDS_FILE" : "",
    c.NATS_NKEY_SEED_FILE !== undefined ? "NATS_NKEY_SEED_FILE" : "",
  ].filter((m) => m !== "");
  if (methods.length > 1) {
    issues.push({
      variable: "NATS_*",
      message: `set one auth method, not ${methods.join(" and ")}`,
    });
  }
  if ((c.NATS_USER === undefined) !== (c.NATS_PASSWORD === undefined)) {
    issues.push({ variable: "NATS_PASSWORD", message: "NATS_USER and NATS_PASSWORD go together" });
  }
  if ((c.NATS_TLS_CERT_FILE === undefined) !== (c.NATS_TLS_KEY_FILE === undefined)) {
    issues.push({
      variable: "NATS_TLS_KEY_FILE",
      message: "NATS_TLS_CERT_FILE and NATS_TLS_KEY_FILE go together",
    });
  }
  return issues;
}
