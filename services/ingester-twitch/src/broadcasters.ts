import { Backoff, HttpError } from "@castbus/http";
import type { Logger } from "@castbus/telemetry";
import type { TwitchConfig } from "./config.js";
import type { Helix } from "./helix.js";

/** Attempts at looking up logins before giving up (Twitch down at start). */
const LOOKUP_ATTEMPTS = 5;

/**
 * The broadcaster ids to watch: `TWITCH_BROADCASTER_ID` as given, plus `TWITCH_BROADCASTER_LOGIN`
 * looked up through Helix (`GET /users`), in configuration order. A login Twitch does not know
 * is a configuration error; transient failures are retried a few times.
 */
export async function resolveBroadcasters(
  config: TwitchConfig,
  helix: Helix,
  logger: Logger,
): Promise<string[]> {
  const ids = [...(config.TWITCH_BROADCASTER_ID ?? [])];
  const logins = (config.TWITCH_BROADCASTER_LOGIN ?? []).map((login) => login.toLowerCase());
  if (logins.length === 0) return ids;
  const backoff = new Backoff({ initialMs: 500, maxMs: 5000 });
  for (let attempt = 1; ; attempt++) {
    try {
      const users = await helix.usersByLogin(logins, AbortSignal.timeout(30_000));
      const missing = logins.filter((login) => !users.some((u) => u.login === login));
      if (missing.length > 0) {
        throw new Error(`TWITCH_BROADCASTER_LOGIN: Twitch knows no user ${missing.join(", ")}`);
      }
      const resolved = logins.map((login) => users.find((u) => u.login === login)!.id);
      logger.info({ logins, ids: resolved }, "broadcaster logins resolved");
      return [...ids, ...resolved.filter((id) => !ids.includes(id))];
    } catch (error) {
      const retryable = error instanceof HttpError && error.retryable;
      if (!retryable || attempt >= LOOKUP_ATTEMPTS) throw error;
      logger.warn({ err: error, attempt }, "looking up broadcaster logins failed; retrying");
      await backoff.wait();
    }
  }
}
