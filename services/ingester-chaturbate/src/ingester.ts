import { Backoff, HttpClient } from "@castbus/http";
import { createIngester, type FatalSourceError, type Ingester } from "@castbus/ingest";
import type { Logger } from "@castbus/telemetry";
import { feedBaseUrl, type ChaturbateConfig } from "./config.js";
import { ChaturbateSource } from "./source.js";

/** What {@link createChaturbateIngester} is built from. */
export interface ChaturbateIngesterDeps {
  readonly config: ChaturbateConfig;
  readonly logger?: Logger;
  readonly onFatal?: (error: FatalSourceError) => void;
}

/** Starts the Chaturbate ingester: one long-poll source for `CB_USERNAME` on the shared runner. */
export async function createChaturbateIngester(deps: ChaturbateIngesterDeps): Promise<Ingester> {
  const { config } = deps;
  const http = new HttpClient({ userAgent: "castbus-ingester-chaturbate" });
  const source = new ChaturbateSource({
    username: config.CB_USERNAME,
    token: config.CB_TOKEN,
    baseUrl: feedBaseUrl(config),
    timeoutS: config.CB_TIMEOUT_S,
    keepRaw: config.CB_KEEP_RAW,
    http,
    backoff: new Backoff({
      initialMs: config.CB_RETRY_BACKOFF_MS,
      factor: config.CB_RETRY_FACTOR,
      maxMs: config.CB_RETRY_MAX_DELAY_MS,
    }),
  });
  const ingester = await createIngester({
    service: "ingester-chaturbate",
    config,
    sources: [source],
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
