import { Backoff, HttpClient } from "@castbus/http";
import { createIngester, type FatalSourceError, type Ingester } from "@castbus/ingest";
import type { Logger } from "@castbus/telemetry";
import { configuredAccounts, feedBaseUrl, type ChaturbateConfig } from "./config.js";
import { ChaturbateSource } from "./source.js";

/** What {@link createChaturbateIngester} is built from. */
export interface ChaturbateIngesterDeps {
  readonly config: ChaturbateConfig;
  readonly logger?: Logger;
  readonly onFatal?: (error: FatalSourceError) => void;
}

/**
 * Starts the Chaturbate ingester: one long-poll source per account (`CB_USERNAME`, and every
 * account in `CB_ACCOUNTS_FILE`) on the shared runner, each with its own cursor, backoff and
 * readiness, all over one keep-alive connection pool.
 */
export async function createChaturbateIngester(deps: ChaturbateIngesterDeps): Promise<Ingester> {
  const { config } = deps;
  const accounts = configuredAccounts(config);
  // Every account holds one long-poll open at a time, so the pool needs a socket per account.
  const http = new HttpClient({
    userAgent: "castbus-ingester-chaturbate",
    connectionsPerOrigin: accounts.length + 16,
  });
  const sources = accounts.map(
    (account) =>
      new ChaturbateSource({
        username: account.username,
        token: account.token,
        baseUrl: feedBaseUrl(config),
        timeoutS: config.CB_TIMEOUT_S,
        keepRaw: config.CB_KEEP_RAW,
        http,
        backoff: new Backoff({
          initialMs: config.CB_RETRY_BACKOFF_MS,
          factor: config.CB_RETRY_FACTOR,
          maxMs: config.CB_RETRY_MAX_DELAY_MS,
        }),
      }),
  );
  const ingester = await createIngester({
    service: "ingester-chaturbate",
    config,
    sources,
    ...(deps.logger === undefined ? {} : { logger: deps.logger }),
    ...(deps.onFatal === undefined ? {} : { onFatal: deps.onFatal }),
  });
  return {
    ...ingester,
    stop: async () => {
      await ingester.stop();
      await http.close();
    },
  };
}
