import type { Logger } from "@castbus/telemetry";
import type { Hello } from "./upstream.js";

/** While OBS stays away, one reminder per this period. */
const REPEAT_MS = 60_000;

interface Outage {
  readonly since: number;
  attempts: number;
  kind: string;
  loggedAt: number;
}

/**
 * Logs OBS coming and going without flooding: OBS is a desktop program that is closed for
 * hours, so a failed attempt every few seconds must not be a line every few seconds. An outage
 * is logged when it starts, when its cause changes (OBS closed → wrong answer), once a minute
 * while it lasts, and when OBS is back (with how long it took).
 */
export class ConnectionLog {
  readonly #logger: Logger;
  readonly #target: string;
  #outage: Outage | undefined;
  #exiting = false;

  constructor(logger: Logger, target: string) {
    this.#logger = logger;
    this.#target = target;
  }

  /** A session is live. */
  connected(hello: Hello, inferred: number): void {
    const outage = this.#outage;
    this.#outage = undefined;
    this.#exiting = false;
    this.#logger.info(
      {
        url: this.#target,
        obsWebSocketVersion: hello.obsWebSocketVersion,
        obsStudioVersion: hello.obsStudioVersion,
        ...(outage === undefined
          ? {}
          : {
              failedAttempts: outage.attempts,
              downForS: Math.round((Date.now() - outage.since) / 1000),
            }),
        ...(inferred > 0 ? { inferredEvents: inferred } : {}),
      },
      "connected to OBS",
    );
  }

  /** OBS announced its shutdown (ExitStarted): the close that follows is expected. */
  exiting(): void {
    this.#exiting = true;
    this.#logger.info({ url: this.#target }, "OBS is exiting");
  }

  /** A live session ended; reconnects follow. */
  lost(kind: string, error: Error): void {
    const detail = { url: this.#target, outcome: kind, detail: error.message };
    if (this.#exiting) this.#logger.info(detail, "OBS closed; reconnecting when it is back");
    else this.#logger.warn(detail, "lost the connection to OBS; reconnecting");
    // After an announced exit, refused connects are what is expected: no extra line for them.
    const expected = this.#exiting ? "refused" : kind;
    this.#exiting = false;
    this.#outage = { since: Date.now(), attempts: 0, kind: expected, loggedAt: Date.now() };
  }

  /** An attempt failed; logged only when it says something new. */
  failed(kind: string, error: Error, retryInMs: number, level: "warn" | "error"): void {
    const now = Date.now();
    const outage = this.#outage;
    const detail = { url: this.#target, outcome: kind, detail: error.message, retryInMs };
    if (outage === undefined) {
      this.#outage = { since: now, attempts: 1, kind, loggedAt: now };
      this.#logger[level](detail, "cannot connect to OBS; retrying (reminders once a minute)");
      return;
    }
    outage.attempts += 1;
    if (outage.kind !== kind) {
      outage.kind = kind;
      outage.loggedAt = now;
      this.#logger[level](
        { ...detail, failedAttempts: outage.attempts },
        "cannot connect to OBS; retrying",
      );
    } else if (now - outage.loggedAt >= REPEAT_MS) {
      outage.loggedAt = now;
      this.#logger.info(
        {
          ...detail,
          failedAttempts: outage.attempts,
          downForS: Math.round((now - outage.since) / 1000),
        },
        "still waiting for OBS",
      );
    }
  }
}
