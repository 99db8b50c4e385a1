/** Production and testbed feed roots (reference §1.1). */
export const PRODUCTION_BASE_URL = "https://eventsapi.chaturbate.com/events";
export const TESTBED_BASE_URL = "https://events.testbed.cb.dev/events";

/**
 * Builds and checks feed URLs for one account. The token is a path segment, so every URL here
 * is a secret: only {@link FeedUrls.redacted} may appear in logs and errors.
 */
export class FeedUrls {
  readonly #root: URL;
  readonly #path: string;
  readonly #timeoutS: number;
  /** The feed URL with the token replaced, for messages. */
  readonly redacted: string;

  constructor(baseUrl: string, username: string, token: string, timeoutS: number) {
    this.#root = new URL(baseUrl.endsWith("/") ? baseUrl : `${baseUrl}/`);
    this.#path = `${this.#root.pathname}${encodeURIComponent(username)}/${encodeURIComponent(token)}/`;
    this.#timeoutS = timeoutS;
    this.redacted = `${this.#root.origin}${this.#root.pathname}${encodeURIComponent(username)}/<token>/`;
  }

  /** The URL for the events after `i` (`undefined`: the upstream's latest events). */
  after(i: string | undefined): string {
    const url = new URL(this.#path, this.#root.origin);
    if (i !== undefined) url.searchParams.set("i", i);
    url.searchParams.set("timeout", String(this.#timeoutS));
    return url.toString();
  }

  /**
   * Checks a `nextUrl` from a response and returns its cursor `i` and the absolute URL to
   * follow. Relative forms are resolved as cb-events does; anything that is not this account's
   * feed on the configured origin is refused — the next request carries the token, so it must
   * never go to another host.
   */
  parseNext(value: unknown): { url: string; i: string | undefined } | { error: string } {
    if (typeof value !== "string" || value.trim() === "")
      return { error: "nextUrl is missing or not a string" };
    let url: URL;
    try {
      const text = value.trim();
      url = text.startsWith("//")
        ? new URL(`${this.#root.protocol}${text}`)
        : new URL(text, text.startsWith("/") ? this.#root.origin : this.#root.href);
    } catch {
      return { error: "nextUrl is not a URL" };
    }
    if (url.origin !== this.#root.origin)
      return { error: `nextUrl points at another origin (${url.protocol}//${url.host})` };
    if (url.pathname !== this.#path) return { error: "nextUrl is not this account's feed path" };
    const i = url.searchParams.get("i") ?? undefined;
    if (i !== undefined && !/^[0-9A-Za-z._-]{1,64}$/.test(i))
      return { error: "nextUrl has a malformed cursor" };
    return { url: url.toString(), i };
  }
}
