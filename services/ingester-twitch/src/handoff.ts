import type { Logger } from "@castbus/telemetry";
import type { ConnectionEnd, EventSubConnection } from "./connection.js";

/** What following hand-offs needs from the session. */
export interface HandOffDeps {
  /** Opens a connection and waits for its welcome. */
  readonly open: (url: string) => Promise<EventSubConnection>;
  /** The successor took over (its welcome arrived and the old socket is being closed). */
  readonly moved: (old: EventSubConnection, successor: EventSubConnection) => void;
  readonly count: (outcome: string) => void;
  readonly logger: Logger;
}

/**
 * Serves a session until it ends, following every `session_reconnect` (§2.4): connect to
 * `reconnect_url` exactly as given, keep reading the old socket meanwhile, and close it only
 * after the new welcome (closing it earlier gets 4007); the subscriptions travel with the
 * session, so nothing is created again. A reconnect URL that gives no welcome ends the session
 * (the caller starts a fresh one and resubscribes).
 */
export async function serveAcrossHandOffs(
  connection: EventSubConnection,
  stopped: Promise<"stop">,
  deps: HandOffDeps,
): Promise<ConnectionEnd> {
  let current = connection;
  for (;;) {
    const next = await Promise.race([current.ended, current.reconnectUrl, stopped]);
    if (next === "stop") {
      current.close();
      return { outcome: "stopped", message: "stopped" };
    }
    if (typeof next !== "string") return next;
    const successor = await handOff(current, next, deps);
    if (successor === undefined) {
      current.close();
      return { outcome: "reconnect_failed", message: "the reconnect URL gave no welcome" };
    }
    current = successor;
  }
}

async function handOff(
  old: EventSubConnection,
  url: string,
  deps: HandOffDeps,
): Promise<EventSubConnection | undefined> {
  deps.count("session_reconnect");
  deps.logger.info({ sessionId: old.session.id }, "Twitch asked us to reconnect; moving");
  let successor: EventSubConnection;
  try {
    successor = await deps.open(url);
  } catch (error) {
    deps.logger.warn({ err: error }, "reconnect URL failed; starting a fresh session");
    return undefined;
  }
  old.close();
  deps.moved(old, successor);
  deps.logger.info(
    { sessionId: successor.session.id },
    "moved to the new connection; subscriptions carried over",
  );
  return successor;
}
