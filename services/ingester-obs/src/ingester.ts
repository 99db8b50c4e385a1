import { Backoff } from "@castbus/http";
import { createIngester, type FatalSourceError, type Ingester } from "@castbus/ingest";
import { createLogger, type Logger } from "@castbus/telemetry";
import type { ObsConfig } from "./config.js";
import { ObsSource } from "./source.js";

/** What {@link createObsIngester} is built from. */
export interface ObsIngesterDeps {
  readonly config: ObsConfig;
  /** Defaults to JSON on stdout at `LOG_LEVEL`; tests pass a capturing one. */
  readonly logger?: Logger;
  readonly onFatal?: (error: FatalSourceError) => void;
}

/** Starts the OBS ingester: one obs-websocket push source for `OBS_URL` on the shared runner. */
export async function createObsIngester(deps: ObsIngesterDeps): Promise<Ingester> {
  const { config } = deps;
  // Created here rather than by the runner: the source logs OBS coming and going itself.
  const logger = deps.logger ?? createLogger({ service: "ingester-obs", level: config.LOG_LEVEL });
  const source = new ObsSource({
    name: config.OBS_NAME,
    url: config.OBS_URL,
    password: config.OBS_PASSWORD,
    requestTimeoutMs: config.OBS_REQUEST_TIMEOUT_MS,
    pingIntervalMs: config.OBS_PING_INTERVAL_MS,
    backoff: new Backoff({
      initialMs: config.OBS_RECONNECT_DELAY_MS,
      maxMs: config.OBS_RECONNECT_MAX_DELAY_MS,
    }),
    keepRaw: config.OBS_KEEP_RAW,
    dedupeWindowMs: config.EVENTS_DUPLICATE_WINDOW_S * 1000,
    logger: logger.child({ source: "obs", account: config.OBS_NAME }),
  });
  return createIngester({
    service: "ingester-obs",
    config,
    sources: [source],
    logger,
    ...(deps.onFatal === undefined ? {} : { onFatal: deps.onFatal }),
  });
}
