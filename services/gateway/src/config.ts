import { env, loadConfig, type ConfigIssue, type Env } from "@castbus/config";
import { natsConfigChecks, natsEnvShape, streamEnvShape } from "@castbus/nats";
import { telemetryEnvShape } from "@castbus/telemetry";
import { z } from "zod";
import { parseTokens } from "./tokens.js";

/** Environment of `gateway` (documented in the README, one row per variable). */
export const gatewayEnvSchema = z.object({
  ...telemetryEnvShape,
  ...natsEnvShape,
  ...streamEnvShape,
  /** API port (the telemetry endpoints stay on HTTP_PORT, away from API clients). */
  GATEWAY_PORT: env.int(0, 65_535).default(8000),
  /** Bearer tokens, comma-separated, each `name:token` (several per name while rotating). */
  GATEWAY_TOKENS: env.secret(),
  GATEWAY_MAX_BODY_BYTES: env.int(1024, 16 * 1024 * 1024).default(256 * 1024),
  GATEWAY_MAX_BATCH: env.int(1, 1000).default(100),
  /** Events per minute per token name (a batch of n counts n). */
  GATEWAY_RATE_PER_MIN: env.int(1, 10_000_000).default(600),
  /** Events a token may send at once above the steady rate. */
  GATEWAY_RATE_BURST: env.int(1, 1_000_000).default(100),
  /** How long a request waits for JetStream acks before answering 503 (the publish goes on). */
  GATEWAY_PUBLISH_TIMEOUT_MS: env.int(100, 120_000).default(5000),
  SHUTDOWN_GRACE_MS: env.int(0, 600_000).default(20_000),
});

/** Parsed gateway configuration. */
export type GatewayConfig = z.output<typeof gatewayEnvSchema>;

/** Loads and checks the environment; throws `ConfigError` listing every problem. */
export function loadGatewayConfig(source: Env = process.env): GatewayConfig {
  return loadConfig(gatewayEnvSchema, source, { checks: [natsConfigChecks, tokenChecks] });
}

function tokenChecks(c: GatewayConfig): ConfigIssue[] {
  const parsed = parseTokens(c.GATEWAY_TOKENS);
  return "error" in parsed ? [{ variable: "GATEWAY_TOKENS", message: parsed.error }] : [];
}
