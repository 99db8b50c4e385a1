import type { Secret } from "@castbus/config";
import { SecretStore, connectNats, type NatsConnection } from "@castbus/nats";
import type { Logger } from "@castbus/telemetry";
import { createHash } from "node:crypto";
import type { TwitchConfig } from "./config.js";
import type { RefreshedTokens } from "./tokens.js";

/** Tokens to start with and a way to keep the refreshed ones. */
export interface PersistedTokens {
  readonly accessToken: Secret;
  readonly refreshToken: Secret | undefined;
  save(tokens: RefreshedTokens): void;
  close(): Promise<void>;
}

/**
 * `TWITCH_TOKEN_KV`: Twitch may rotate the refresh token on every refresh, so after a restart the
 * configured one can be dead. The latest pair is kept in that KV bucket (key: the client id) and
 * used at start — unless the configured tokens changed since they were stored (an operator put in
 * new ones), which the stored fingerprint of the configured refresh token tells.
 */
export async function persistedTokens(
  config: TwitchConfig,
  logger: Logger,
): Promise<PersistedTokens | undefined> {
  const bucket = config.TWITCH_TOKEN_KV;
  if (bucket === undefined) return undefined;
  const nc: NatsConnection = await connectNats(config, { name: "castbus-ingester-twitch-tokens" });
  const store = await SecretStore.open(nc, bucket, config.EVENTS_REPLICAS);
  const key = config.TWITCH_CLIENT_ID.replace(/[^-_a-zA-Z0-9]/g, "_");
  const origin = fingerprint(config.TWITCH_REFRESH_TOKEN ?? config.TWITCH_ACCESS_TOKEN);
  const saved = await store.get(key);
  const usable = saved?.["access"] !== undefined && saved["origin"]?.reveal() === origin;
  if (usable) logger.info({ bucket }, "using the Twitch tokens refreshed by an earlier run");
  return {
    accessToken: usable ? saved["access"]! : config.TWITCH_ACCESS_TOKEN,
    refreshToken: usable ? saved["refresh"] : config.TWITCH_REFRESH_TOKEN,
    save: (tokens) =>
      void store
        .put(key, { access: tokens.accessToken, refresh: tokens.refreshToken, origin })
        .catch((error: unknown) =>
          logger.warn({ err: error, bucket }, "could not keep the refreshed Twitch tokens"),
        ),
    close: () => nc.drain(),
  };
}

/** Identifies the configured token without storing it again (it is already in the secret bucket's value). */
function fingerprint(token: Secret): string {
  return createHash("sha256").update(token.reveal()).digest("hex").slice(0, 32);
}
