import type { Secret } from "@castbus/config";
import {
  errorForStatus,
  invalidUtf8Items,
  jsonArrayItemTexts,
  type Backoff,
  type HttpClient,
  type HttpResponse,
} from "@castbus/http";
import {
  FatalSourceError,
  MalformedResponseError,
  type MapResult,
  type PullBatch,
  type PullSource,
  type UpstreamRecord,
} from "@castbus/ingest";
import { setTimeout as sleep } from "node:timers/promises";
import { FeedUrls } from "./feed-url.js";
import { toEvent } from "./to-event.js";

/** The cursor saved in CHECKPOINTS: the id of the last event read. Never the URL (it holds the token). */
export interface ChaturbateCursor {
  readonly i?: string;
}

/** Settings of one Chaturbate account. */
export interface ChaturbateSourceOptions {
  readonly username: string;
  readonly token: Secret;
  readonly baseUrl: string;
  /** Long-poll `timeout` the server holds a request for (0–90 s). */
  readonly timeoutS: number;
  readonly keepRaw: boolean;
  readonly backoff: Backoff;
  readonly http: HttpClient;
}

/**
 * The documented rate limit is 2000 requests a minute per token. A token bucket keeps the
 * sustained rate just under it (with timeout=0 and a busy room a client could exceed it) while
 * letting short bursts through.
 */
const REQUESTS_PER_SECOND = 1900 / 60;
const BURST = 60;
/** cb-events' client deadline: the long-poll timeout plus a 5 s buffer. */
const CLIENT_TIMEOUT_BUFFER_MS = 5000;

/**
 * One broadcaster's Events API feed as a pull source: long-polls, follows `nextUrl`, and
 * returns each batch's events as records. The checkpoint is the last event id; on restart the
 * feed URL is rebuilt from it. A saved cursor the server no longer accepts falls back to the
 * latest events (duplicates are dropped by JetStream's msg-id dedupe).
 */
export class ChaturbateSource implements PullSource<ChaturbateCursor> {
  readonly kind = "pull";
  readonly name = "chaturbate";
  readonly account: string;
  readonly backoff: Backoff;
  readonly #options: ChaturbateSourceOptions;
  readonly #urls: FeedUrls;
  /** The server's own nextUrl for the cursor we are at (followed verbatim while it matches). */
  #follow: { i: string | undefined; url: string } | undefined;
  #tokens = BURST;
  #refilledAt = Date.now();

  constructor(options: ChaturbateSourceOptions) {
    this.account = options.username;
    this.backoff = options.backoff;
    this.#options = options;
    this.#urls = new FeedUrls(
      options.baseUrl,
      options.username,
      options.token.reveal(),
      options.timeoutS,
    );
  }

  toEvent(record: UpstreamRecord): MapResult {
    return toEvent(record, { account: this.account, keepRaw: this.#options.keepRaw });
  }

  async read(
    cursor: ChaturbateCursor | undefined,
    signal: AbortSignal,
  ): Promise<PullBatch<ChaturbateCursor>> {
    const i = cursor?.i;
    const url =
      this.#follow !== undefined && this.#follow.i === i ? this.#follow.url : this.#urls.after(i);
    await this.#pace(signal);
    const response = await this.#options.http.send({
      url,
      redactedUrl: this.#urls.redacted,
      timeoutMs: this.#options.timeoutS * 1000 + CLIENT_TIMEOUT_BUFFER_MS,
      signal,
      acceptStatus: (status) => status === 400 || status === 404 || status === 410,
    });
    const receivedAt = performance.now();
    const receivedTime = new Date();
    if (response.status !== 200) return this.#notOk(response, i);
    const body = parseBody(response);
    // Only a record that is dead-lettered needs its own bytes: find them then, once per batch.
    let texts: string[] | undefined;
    const rawItem = (index: number, value: unknown) => {
      texts ??= jsonArrayItemTexts(body.text, "events") ?? [];
      return texts[index] ?? JSON.stringify(value);
    };
    // An item with bytes that are not UTF-8 was parsed with U+FFFD in their place: dead-letter it
    // with the bytes Chaturbate sent rather than publish text it did not send.
    const notUtf8 = invalidUtf8Items(response.body, "events");
    const records: UpstreamRecord[] = body.events.map((value, index) => {
      const bytes = notUtf8.get(index);
      if (bytes !== undefined) {
        const rejection = { reason: "invalid_utf8", message: "the event's bytes are not UTF-8" };
        return { value, raw: bytes, receivedAt, receivedTime, rejection };
      }
      return {
        value,
        receivedAt,
        receivedTime,
        get raw() {
          return rawItem(index, value);
        },
      };
    });
    return { records, ...this.#advance(body.nextUrl, body.events, i) };
  }

  /** 400/404/410: a long-poll expiry in cb-events' 400 shape, an expired cursor, or a wrong feed. */
  #notOk(response: HttpResponse, i: string | undefined): PullBatch<ChaturbateCursor> {
    const waited = waitedTooLong(response);
    if (waited !== undefined) return { records: [], ...this.#advance(waited, [], i) };
    if (i !== undefined) {
      this.#follow = undefined;
      return { records: [], next: {}, cursorReset: `HTTP ${response.status} for the saved cursor` };
    }
    if (response.status === 404) {
      throw new FatalSourceError(
        `${this.#urls.redacted} answered HTTP 404: check CB_USERNAME and CB_TOKEN`,
        {
          kind: "auth",
        },
      );
    }
    throw errorForStatus(response.status, this.#urls.redacted, {
      bodySnippet: response.body.subarray(0, 200).toString(),
    });
  }

  /**
   * The cursor after a batch: from a valid nextUrl; else (null, foreign host, garbage) from the
   * last event id — the documented meaning of `i` — with a warning, instead of giving up.
   */
  #advance(
    nextUrl: unknown,
    events: readonly unknown[],
    i: string | undefined,
  ): { next: ChaturbateCursor; warning?: string } {
    const next = this.#urls.parseNext(nextUrl);
    if (!("error" in next)) {
      this.#follow = next;
      return { next: next.i === undefined ? {} : { i: next.i } };
    }
    this.#follow = undefined;
    const last = events.at(-1) as { id?: unknown } | undefined;
    const fallback = typeof last?.id === "string" ? last.id : i;
    return {
      next: fallback === undefined ? {} : { i: fallback },
      warning: `${next.error}; continuing after the last event id`,
    };
  }

  async #pace(signal: AbortSignal): Promise<void> {
    const now = Date.now();
    this.#tokens = Math.min(
      BURST,
      this.#tokens + ((now - this.#refilledAt) / 1000) * REQUESTS_PER_SECOND,
    );
    this.#refilledAt = now;
    if (this.#tokens < 1) {
      const waitMs = ((1 - this.#tokens) / REQUESTS_PER_SECOND) * 1000;
      await sleep(waitMs, undefined, { signal }).catch(() => undefined);
      this.#tokens = 1;
      this.#refilledAt = Date.now();
    }
    this.#tokens -= 1;
  }
}

function parseBody(response: HttpResponse): { events: unknown[]; nextUrl: unknown; text: string } {
  const raw = response.body;
  const text = raw.toString("utf8");
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new MalformedResponseError("response body is not JSON", { raw, reason: "invalid_json" });
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new MalformedResponseError("response is not a JSON object", {
      raw,
      reason: "invalid_response",
    });
  }
  const { events = [], nextUrl } = body as { events?: unknown; nextUrl?: unknown };
  if (!Array.isArray(events)) {
    throw new MalformedResponseError("response `events` is not a list", {
      raw,
      reason: "invalid_response",
    });
  }
  return { events, nextUrl, text };
}

/** cb-events' 400 `{"status": "...waited too long...", "nextUrl": ...}` long-poll expiry, if it is one. */
function waitedTooLong(response: HttpResponse): unknown {
  if (response.status !== 400) return undefined;
  try {
    const body = JSON.parse(response.body.toString("utf8")) as {
      status?: unknown;
      nextUrl?: unknown;
    };
    const expired = typeof body.status === "string" && /waited too long/i.test(body.status);
    return expired && typeof body.nextUrl === "string" ? body.nextUrl : undefined;
  } catch {
    return undefined;
  }
}
