import type { ChaturbateFault } from "./faults.js";

/** One request the simulator's events endpoint received. */
export interface SimulatedRequest {
  /** Arrival time, epoch ms. */
  readonly time: number;
  /** The username path segment, or `null` when the path was not a feed URL. */
  readonly username: string | null;
  /** The path with the token segment replaced by `"<token>"`, since tokens are secrets. */
  readonly path: string;
  /** The query parameters as sent. */
  readonly query: Readonly<Record<string, string>>;
  /** The status answered; `null` while pending, or when no status was sent (reset, hang, client left). */
  readonly status: number | null;
  /** The injected fault this request got, if any. */
  readonly fault?: ChaturbateFault["kind"];
}

/** A log entry the request handler fills in as it goes. */
export type LoggedRequest = { -readonly [K in keyof SimulatedRequest]: SimulatedRequest[K] };

/** The request log, newest last, bounded so a long-running simulator does not grow forever. */
export class RequestLog {
  private readonly entries: LoggedRequest[] = [];

  constructor(private readonly maxEntries: number) {}

  /** Starts an entry for a request to `url` (path plus query) and returns it for filling in. */
  start(url: URL, username: string | null): LoggedRequest {
    const segments = url.pathname.split("/");
    if (segments[1] === "events" && segments.length > 3) segments[3] = "<token>";
    const entry: LoggedRequest = {
      time: Date.now(),
      username,
      path: segments.join("/"),
      query: Object.fromEntries(url.searchParams),
      status: null,
    };
    this.entries.push(entry);
    if (this.entries.length > this.maxEntries) this.entries.shift();
    return entry;
  }

  /** The retained entries, oldest first. */
  all(): readonly SimulatedRequest[] {
    return this.entries;
  }
}
