import type { TokenBowlFault } from "./faults.js";

/** One request to the simulated API (control requests are not logged; keys never are). */
export interface TokenBowlRequest {
  /** Arrival time, epoch ms. */
  readonly time: number;
  readonly method: string;
  readonly path: string;
  /** The query parameters as decoded by the server (`since` with its `+` intact, or a space). */
  readonly query: Readonly<Record<string, string>>;
  /** The authenticated caller, when the key was valid. */
  readonly username: string | null;
  /** The status answered; `null` while pending or when no answer was sent (reset). */
  readonly status: number | null;
  /** The injected fault this request got, if any. */
  readonly fault?: TokenBowlFault["kind"];
}

/** A log entry the handler fills in as it goes. */
export type LoggedTokenBowlRequest = {
  -readonly [K in keyof TokenBowlRequest]: TokenBowlRequest[K];
};

/** The request log, newest last, bounded. */
export class TokenBowlRequestLog {
  readonly #entries: LoggedTokenBowlRequest[] = [];

  constructor(private readonly maxEntries: number) {}

  /** Starts an entry for `method url` and returns it for filling in. */
  start(method: string, url: URL): LoggedTokenBowlRequest {
    const entry: LoggedTokenBowlRequest = {
      time: Date.now(),
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      username: null,
      status: null,
    };
    this.#entries.push(entry);
    if (this.#entries.length > this.maxEntries) this.#entries.shift();
    return entry;
  }

  /** The retained entries, oldest first. */
  all(): readonly TokenBowlRequest[] {
    return this.#entries;
  }
}
