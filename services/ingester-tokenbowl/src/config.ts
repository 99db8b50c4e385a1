import { env, loadConfig, type Env } from "@castbus/config";
import { ingestEnvShape } from "@castbus/ingest";
import { natsConfigChecks } from "@castbus/nats";
import { z } from "zod";
import { TOKENBOWL_PUBLIC_URL } from "@castbus/tokenbowl";

/** Environment of `ingester-tokenbowl` (documented in the README, one row per variable). */
export const tokenbowlEnvSchema = z.object({
  ...ingestEnvShape,
  /** Server root; the public server by default. */
  TOKENBOWL_URL: env.url().default(TOKENBOWL_PUBLIC_URL),
  /** The account's API key (`X-API-Key`). */
  TOKENBOWL_API_KEY: env.secret(),
  /** The account part of `source`, envelope ids and the checkpoint key. */
  TOKENBOWL_NAME: env
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, { error: "must be 1-64 of A-Z a-z 0-9 _ . -" })
    .default("main"),
  TOKENBOWL_POLL_INTERVAL_MS: env.int(50, 3_600_000).default(2000),
  TOKENBOWL_DIRECT_MESSAGES: env.bool().default(true),
  TOKENBOWL_TIMEOUT_MS: env.int(100, 120_000).default(10_000),
  TOKENBOWL_RETRY_BACKOFF_MS: env.int(0, 600_000).default(1000),
  TOKENBOWL_RETRY_MAX_DELAY_MS: env.int(0, 3_600_000).default(30_000),
  TOKENBOWL_KEEP_RAW: env.bool().default(false),
});

/** Parsed configuration. */
export type TokenBowlConfig = z.output<typeof tokenbowlEnvSchema>;

/** Loads and checks the environment; throws `ConfigError` listing every problem. */
export function loadTokenBowlConfig(source: Env = process.env): TokenBowlConfig {
  return loadConfig(tokenbowlEnvSchema, source, {
    checks: [
      natsConfigChecks,
      (c) =>
        c.TOKENBOWL_RETRY_MAX_DELAY_MS < c.TOKENBOWL_RETRY_BACKOFF_MS
          ? [
              {
                variable: "TOKENBOWL_RETRY_MAX_DELAY_MS",
                message: "must be at least TOKENBOWL_RETRY_BACKOFF_MS",
              },
            ]
          : [],
    ],
  });
}
