import { Backoff, HttpClient } from "@castbus/http";
import { createIngester, type FatalSourceError, type Ingester } from "@castbus/ingest";
import { createLogger, type Logger } from "@castbus/telemetry";
import { enabledTypes, type TwitchConfig } from "./config.js";
import { Helix } from "./helix.js";
import { resolveBroadcasters } from "./broadcasters.js";
import { EventSubSession } from "./session.js";
import { TwitchSource } from "./source.js";
import { persistedTokens, type PersistedTokens } from "./token-store.js";
import { Tokens, type RefreshedTokens } from "./tokens.js";

/** What {@link createTwitchIngester} is built from. */
export interface TwitchIngesterDeps {
  readonly config: TwitchConfig;
  readonly logger?: Logger;
  readonly onFatal?: (error: FatalSourceError) => void;
  /** Told about every refreshed token pair (to persist it); default: kept in memory only. */
  readonly onTokensRefreshed?: (tokens: RefreshedTokens) => void;
}

/**
 * Starts the Twitch ingester: one push source per broadcaster on the shared runner, all on one
 * EventSub session of the token. Broadcasters given by login are looked up first (Helix).
 */
export async function createTwitchIngester(deps: TwitchIngesterDeps): Promise<Ingester> {
  const { config } = deps;
  const logger =
    deps.logger ?? createLogger({ service: "ingester-twitch", level: config.LOG_LEVEL });
  const http = new HttpClient({ userAgent: "castbus-ingester-twitch" });
  const persisted = await persistedTokens(config, logger);
  // Tokens and Helix count outcomes through the session, which is built from them.
  const shared: { session?: EventSubSession } = {};
  const { tokens, helix } = twitchClients(deps, http, logger, persisted, (outcome) =>
    shared.session?.count(outcome),
  );
  const broadcasterIds = await resolveBroadcasters(config, helix, logger).catch(async (error) => {
    await http.close();
    await persisted?.close();
    throw error;
  });
  const session = new EventSubSession({
    url: eventSubUrl(config),
    types: enabledTypes(config),
    tokens,
    helix,
    logger: logger.child({ component: "eventsub" }),
    backoff: new Backoff({
      initialMs: config.TWITCH_RECONNECT_BACKOFF_MS,
      maxMs: config.TWITCH_RECONNECT_MAX_DELAY_MS,
    }),
    validateIntervalMs: config.TWITCH_VALIDATE_INTERVAL_S * 1000,
  });
  shared.session = session;
  const ingester = await createIngester({
    service: "ingester-twitch",
    config,
    sources: broadcasterIds.map(
      (broadcasterId) =>
        new TwitchSource({ broadcasterId, session, keepRaw: config.TWITCH_KEEP_RAW }),
    ),
    logger,
    ...(deps.onFatal === undefined ? {} : { onFatal: deps.onFatal }),
  });
  return { ...ingester, stop: stopOnce(ingester, http, persisted) };
}

function twitchClients(
  deps: TwitchIngesterDeps,
  http: HttpClient,
  logger: Logger,
  persisted: PersistedTokens | undefined,
  count: (outcome: string) => void,
): { tokens: Tokens; helix: Helix } {
  const { config } = deps;
  const onRefreshed = (refreshed: RefreshedTokens) => {
    persisted?.save(refreshed);
    deps.onTokensRefreshed?.(refreshed);
  };
  const tokens = new Tokens({
    http,
    authUrl: config.TWITCH_AUTH_URL.replace(/\/+$/, ""),
    clientId: config.TWITCH_CLIENT_ID,
    accessToken: persisted?.accessToken ?? config.TWITCH_ACCESS_TOKEN,
    refreshToken: persisted === undefined ? config.TWITCH_REFRESH_TOKEN : persisted.refreshToken,
    clientSecret: config.TWITCH_CLIENT_SECRET,
    timeoutMs: config.TWITCH_HTTP_TIMEOUT_MS,
    logger,
    count,
    onRefreshed,
  });
  const helix = new Helix({
    http,
    apiUrl: config.TWITCH_API_URL.replace(/\/+$/, ""),
    clientId: config.TWITCH_CLIENT_ID,
    tokens,
    timeoutMs: config.TWITCH_HTTP_TIMEOUT_MS,
    count,
  });
  return { tokens, helix };
}

/** Every broadcaster reports a dead token as fatal; stop once however often it is asked. */
function stopOnce(
  ingester: Ingester,
  http: HttpClient,
  persisted: PersistedTokens | undefined,
): () => Promise<void> {
  let stopping: Promise<void> | undefined;
  return () =>
    (stopping ??= (async () => {
      await ingester.stop();
      await http.close();
      await persisted?.close();
    })());
}

/** The EventSub URL with `keepalive_timeout_seconds` when one is configured. */
export function eventSubUrl(config: TwitchConfig): string {
  const url = new URL(config.TWITCH_EVENTSUB_URL);
  if (config.TWITCH_KEEPALIVE_TIMEOUT_S !== undefined) {
    url.searchParams.set("keepalive_timeout_seconds", String(config.TWITCH_KEEPALIVE_TIMEOUT_S));
  }
  return url.toString();
}
