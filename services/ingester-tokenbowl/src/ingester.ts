import { Backoff, HttpClient } from "@castbus/http";
import { createIngester, type FatalSourceError, type Ingester } from "@castbus/ingest";
import type { Logger } from "@castbus/telemetry";
import { TokenBowlClient } from "@castbus/tokenbowl";
import type { TokenBowlConfig } from "./config.js";
import { TokenBowlSource, type TokenBowlGap } from "./source.js";

/** What {@link createTokenBowlIngester} is built from. */
export interface TokenBowlIngesterDeps {
  readonly config: TokenBowlConfig;
  readonly logger?: Logger;
  readonly onFatal?: (error: FatalSourceError) => void;
}

/**
 * Starts the Token Bowl ingester: one pull source (room + DMs of the key's account) on the
 * shared runner. A gap — messages the server deleted before they were read — is logged as a
 * warning and counted in `castbus_upstream_gaps_total{source="tokenbowl"}`.
 */
export async function createTokenBowlIngester(deps: TokenBowlIngesterDeps): Promise<Ingester> {
  const { config } = deps;
  const http = new HttpClient({ userAgent: "castbus-ingester-tokenbowl" });
  const client = new TokenBowlClient({
    baseUrl: config.TOKENBOWL_URL,
    apiKey: config.TOKENBOWL_API_KEY,
    http,
    timeoutMs: config.TOKENBOWL_TIMEOUT_MS,
  });
  // Gaps found before the runner's logger and metrics exist wait here.
  const early: TokenBowlGap[] = [];
  let report = (gap: TokenBowlGap): void => void early.push(gap);
  const source = new TokenBowlSource({
    name: config.TOKENBOWL_NAME,
    client,
    pollIntervalMs: config.TOKENBOWL_POLL_INTERVAL_MS,
    directMessages: config.TOKENBOWL_DIRECT_MESSAGES,
    keepRaw: config.TOKENBOWL_KEEP_RAW,
    backoff: new Backoff({
      initialMs: config.TOKENBOWL_RETRY_BACKOFF_MS,
      maxMs: config.TOKENBOWL_RETRY_MAX_DELAY_MS,
    }),
    onGap: (gap) => report(gap),
  });
  const ingester = await createIngester({
    service: "ingester-tokenbowl",
    config,
    sources: [source],
    ...(deps.logger === undefined ? {} : { logger: deps.logger }),
    ...(deps.onFatal === undefined ? {} : { onFatal: deps.onFatal }),
  });
  const logger = ingester.logger.child({ source: source.name, account: source.account });
  report = (gap) => {
    ingester.metrics.upstreamGaps.inc({ source: source.name });
    logger.warn(
      { after: gap.after, oldestRetained: gap.oldestRetained },
      "Token Bowl deleted messages before they were read: it keeps only its newest 100, so " +
        "messages posted between `after` and `oldestRetained` may be lost (poll more often)",
    );
  };
  for (const gap of early.splice(0)) report(gap);
  return {
    ...ingester,
    stop: async () => {
      await ingester.stop();
      await http.close();
    },
  };
}
