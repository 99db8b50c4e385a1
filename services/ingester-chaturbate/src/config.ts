import { env, loadConfig, type ConfigIssue, type Env } from "@castbus/config";
import { ingestEnvShape } from "@castbus/ingest";
import { natsConfigChecks } from "@castbus/nats";
import { z } from "zod";
import { readAccountsFile, type Account } from "./accounts.js";
import { PRODUCTION_BASE_URL, TESTBED_BASE_URL } from "./feed-url.js";

/** Environment of `ingester-chaturbate` (documented in the README, one row per variable). */
export const chaturbateEnvSchema = z.object({
  ...ingestEnvShape,
  /** One account: `CB_USERNAME` + `CB_TOKEN`; many: `CB_ACCOUNTS_FILE` (or both). */
  CB_USERNAME: env
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, { error: "must be a Chaturbate username" })
    .optional(),
  CB_TOKEN: env.secret().optional(),
  CB_ACCOUNTS_FILE: env.string().optional(),
  /** Feed root; default production (`CB_TESTBED=true` picks the testbed). */
  CB_BASE_URL: env.url().optional(),
  CB_TESTBED: env.bool().default(false),
  CB_TIMEOUT_S: env.int(0, 90).default(10),
  CB_RETRY_BACKOFF_MS: env.int(0, 600_000).default(1000),
  CB_RETRY_FACTOR: env.int(1, 10).default(2),
  CB_RETRY_MAX_DELAY_MS: env.int(0, 3_600_000).default(30_000),
  CB_KEEP_RAW: env.bool().default(false),
});

/** Parsed configuration. */
export type ChaturbateConfig = z.output<typeof chaturbateEnvSchema>;

/** Loads and checks the environment; throws `ConfigError` listing every problem. */
export function loadChaturbateConfig(source: Env = process.env): ChaturbateConfig {
  return loadConfig(chaturbateEnvSchema, source, {
    checks: [
      natsConfigChecks,
      accountChecks,
      (c) =>
        c.CB_RETRY_MAX_DELAY_MS < c.CB_RETRY_BACKOFF_MS
          ? [{ variable: "CB_RETRY_MAX_DELAY_MS", message: "must be at least CB_RETRY_BACKOFF_MS" }]
          : [],
    ],
  });
}

function accountChecks(c: ChaturbateConfig): ConfigIssue[] {
  if ((c.CB_USERNAME === undefined) !== (c.CB_TOKEN === undefined)) {
    return [
      {
        variable: c.CB_USERNAME === undefined ? "CB_USERNAME" : "CB_TOKEN",
        message: "CB_USERNAME and CB_TOKEN go together",
      },
    ];
  }
  if (c.CB_USERNAME === undefined && c.CB_ACCOUNTS_FILE === undefined) {
    return [
      { variable: "CB_USERNAME", message: "is required (or CB_ACCOUNTS_FILE)" },
      { variable: "CB_TOKEN", message: "is required (or CB_ACCOUNTS_FILE)" },
    ];
  }
  if (c.CB_ACCOUNTS_FILE === undefined) return [];
  try {
    readAccountsFile(c.CB_ACCOUNTS_FILE);
    return [];
  } catch (error) {
    return [{ variable: "CB_ACCOUNTS_FILE", message: (error as Error).message }];
  }
}

/** Every account this configuration names: `CB_USERNAME` first, then `CB_ACCOUNTS_FILE`'s. */
export function configuredAccounts(c: ChaturbateConfig): Account[] {
  const single =
    c.CB_USERNAME !== undefined && c.CB_TOKEN !== undefined
      ? [{ username: c.CB_USERNAME, token: c.CB_TOKEN }]
      : [];
  const listed = c.CB_ACCOUNTS_FILE === undefined ? [] : readAccountsFile(c.CB_ACCOUNTS_FILE);
  return [...single, ...listed.filter((a) => a.username !== c.CB_USERNAME)];
}

/** The feed root this configuration reads from. */
export function feedBaseUrl(config: ChaturbateConfig): string {
  return config.CB_BASE_URL ?? (config.CB_TESTBED ? TESTBED_BASE_URL : PRODUCTION_BASE_URL);
}
