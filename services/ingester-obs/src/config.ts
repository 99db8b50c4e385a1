import { env, loadConfig, type Env } from "@castbus/config";
import { ingestEnvShape } from "@castbus/ingest";
import { natsConfigChecks } from "@castbus/nats";
import { z } from "zod";

/** Environment of `ingester-obs` (documented in the README, one row per variable). */
export const obsEnvSchema = z.object({
  ...ingestEnvShape,
  /** obs-websocket server of the OBS instance (Tools → WebSocket Server Settings). */
  OBS_URL: env.url(["ws:", "wss:"]).default("ws://127.0.0.1:4455"),
  /** The server password; leave unset only when authentication is off in OBS. */
  OBS_PASSWORD: env.secret().optional(),
  /** Names this OBS instance: `source` is `obs/<OBS_NAME>`, ids start `obs:<OBS_NAME>:`. */
  OBS_NAME: env
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, { error: "must be 1-64 letters, digits, '_', '.' or '-'" })
    .default("studio"),
  /** Deadline of every request, and of the Hello and Identified replies (the protocol has none). */
  OBS_REQUEST_TIMEOUT_MS: env.int(100, 120_000).default(5000),
  /** First reconnect delay; doubles (with jitter) up to OBS_RECONNECT_MAX_DELAY_MS. */
  OBS_RECONNECT_DELAY_MS: env.int(10, 600_000).default(1000),
  OBS_RECONNECT_MAX_DELAY_MS: env.int(10, 3_600_000).default(10_000),
  /** WebSocket ping period; a ping unanswered by the next one drops the link (0: off). */
  OBS_PING_INTERVAL_MS: env.int(0, 600_000).default(10_000),
  /** Keep OBS's event data under `data.raw`. */
  OBS_KEEP_RAW: env.bool().default(false),
});

/** Parsed configuration. */
export type ObsConfig = z.output<typeof obsEnvSchema>;

/** Loads and checks the environment; throws `ConfigError` listing every problem. */
export function loadObsConfig(source: Env = process.env): ObsConfig {
  return loadConfig(obsEnvSchema, source, {
    checks: [
      natsConfigChecks,
      (c) =>
        c.OBS_RECONNECT_MAX_DELAY_MS < c.OBS_RECONNECT_DELAY_MS
          ? [
              {
                variable: "OBS_RECONNECT_MAX_DELAY_MS",
                message: "must be at least OBS_RECONNECT_DELAY_MS",
              },
            ]
          : [],
    ],
  });
}
