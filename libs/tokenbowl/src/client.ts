import type { Secret } from "@castbus/config";
import {
  BodyError,
  HttpClient,
  header,
  invalidUtf8Items,
  jsonArrayItemTexts,
  type HttpResponse,
} from "@castbus/http";
import { MalformedPageError, tokenBowlError } from "./errors.js";
import {
  wireMessage,
  wirePage,
  wireProfile,
  type TokenBowlMessage,
  type TokenBowlMessagePage,
  type TokenBowlProfile,
} from "./upstream.js";

/** The public server (reference §1); the Python client's default since 0.1.2. */
export const TOKENBOWL_PUBLIC_URL = "https://api.tokenbowl.ai";

/** Options of {@link TokenBowlClient}. */
export interface TokenBowlClientOptions {
  /** Server root, e.g. `https://api.tokenbowl.ai` (a path prefix is kept). */
  readonly baseUrl: string;
  /** Sent as `X-API-Key`. */
  readonly apiKey: Secret;
  /** Shared HTTP pool; by default the client makes its own and {@link TokenBowlClient.close} closes it. */
  readonly http?: HttpClient;
  /** Deadline per request (default 10 s). */
  readonly timeoutMs?: number;
}

/** `limit`/`offset`/`since` of the message lists. */
export interface PageParams {
  /** Default 50 on the server; it has no upper bound (the client sends what it is given). */
  readonly limit?: number;
  readonly offset?: number;
  /** Exclusive; compared as text with the server's timestamps, so pass a server timestamp string. */
  readonly since?: string;
  readonly signal?: AbortSignal;
}

/** One page read leniently: the messages unparsed, for a reader that checks them one by one. */
export interface RawPage {
  readonly items: readonly unknown[];
  /** Each item's JSON text exactly as the server sent it (what a dead letter keeps). */
  readonly texts: readonly string[];
  /** The items whose bytes are not UTF-8 (parsed with U+FFFD in their place), with those bytes. */
  readonly invalidUtf8: ReadonlyMap<number, Buffer>;
  readonly hasMore: boolean;
  /** The response's `Date` header (the server's clock, whole seconds), when present. */
  readonly serverDate: Date | undefined;
}

/**
 * A small typed Token Bowl Chat client: what the ingester reads with, and what handlers answer
 * in chat with (`sendMessage`). Failures are the typed errors of `errors.ts` (`retryable` says
 * whether trying again can help); a page that is not JSON is a `MalformedPageError` carrying
 * the body. The API key travels only in the `X-API-Key` header and appears in no error.
 */
export class TokenBowlClient {
  readonly #root: URL;
  readonly #apiKey: Secret;
  readonly #http: HttpClient;
  readonly #ownsHttp: boolean;
  readonly #timeoutMs: number;

  constructor(options: TokenBowlClientOptions) {
    this.#root = new URL(options.baseUrl.endsWith("/") ? options.baseUrl : `${options.baseUrl}/`);
    this.#apiKey = options.apiKey;
    this.#http = options.http ?? new HttpClient({ userAgent: "castbus-tokenbowl" });
    this.#ownsHttp = options.http === undefined;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
  }

  /**
   * Posts `text` to the room, or as a DM to `to`. A 5xx is a `ServerError` with
   * `maybeDelivered: true` and `retryable: false`: the server may have stored the message.
   */
  async sendMessage(
    text: string,
    options: { to?: string; signal?: AbortSignal } = {},
  ): Promise<TokenBowlMessage> {
    const body = JSON.stringify({
      content: text,
      ...(options.to === undefined ? {} : { to_username: options.to }),
    });
    const res = await this.#request("messages", {
      method: "POST",
      body,
      signal: options.signal,
      send: true,
    });
    const message = parseJson(res.body);
    if (!wireMessage.safeParse(message).success) {
      throw new BodyError(
        "POST /messages answered 201 with an unexpected body (the message was stored)",
        {
          kind: "body",
          retryable: false,
        },
      );
    }
    // Checked, but returned as sent (the schema's normalizing transforms are for mapping).
    return message as TokenBowlMessage;
  }

  /** Room messages, newest first on current servers. */
  getMessages(params: PageParams = {}): Promise<TokenBowlMessagePage> {
    return this.#typedPage("messages", params);
  }

  /** DMs the account sent or received (every DM for a viewer). */
  getDirectMessages(params: PageParams = {}): Promise<TokenBowlMessagePage> {
    return this.#typedPage("messages/direct", params);
  }

  /** One page of `room` or `direct` messages, each left unparsed. */
  async fetchPage(kind: "room" | "direct", params: PageParams): Promise<RawPage> {
    const res = await this.#request(pagePath(kind, params), { signal: params.signal });
    const text = res.body.toString("utf8");
    const body = parseJson(text);
    const page = wirePage.safeParse(body);
    if (!page.success) {
      throw new MalformedPageError(
        `GET /${pagePath(kind, {})} answered with a body that is not a message page`,
        {
          raw: res.body,
          reason: body === INVALID ? "invalid_json" : "invalid_response",
        },
      );
    }
    const date = header(res.headers, "date");
    const serverDate = date === undefined ? undefined : new Date(date);
    const items = page.data.messages;
    const texts = jsonArrayItemTexts(text, "messages");
    return {
      items,
      texts: texts?.length === items.length ? texts : items.map(reserialized),
      invalidUtf8: invalidUtf8Items(res.body, "messages"),
      hasMore: page.data.pagination?.has_more ?? false,
      serverDate:
        serverDate === undefined || Number.isNaN(serverDate.getTime()) ? undefined : serverDate,
    };
  }

  /** Who the key belongs to. The response's `api_key` field is dropped here, never kept. */
  async me(signal?: AbortSignal): Promise<TokenBowlProfile> {
    const res = await this.#request("users/me", { signal });
    const parsed = wireProfile.safeParse(parseJson(res.body));
    if (!parsed.success) {
      // No body in the error: this one holds the API key.
      throw new BodyError("GET /users/me answered with an unexpected body", {
        kind: "body",
        retryable: true,
      });
    }
    const { id, username, role } = parsed.data;
    return {
      username,
      ...(id === undefined ? {} : { id }),
      ...(role === undefined ? {} : { role }),
    };
  }

  /** Closes the HTTP pool when the client made it. */
  async close(): Promise<void> {
    if (this.#ownsHttp) await this.#http.close();
  }

  async #typedPage(path: string, params: PageParams): Promise<TokenBowlMessagePage> {
    const res = await this.#request(`${path}${query(params)}`, { signal: params.signal });
    const body = parseJson(res.body);
    const page = wirePage.safeParse(body);
    const valid = page.success && page.data.messages.every((m) => wireMessage.safeParse(m).success);
    if (!page.success || page.data.pagination === undefined || !valid) {
      throw new MalformedPageError(`GET /${path} answered with an unexpected body`, {
        raw: res.body,
        reason: body === INVALID ? "invalid_json" : "invalid_response",
      });
    }
    return {
      messages: page.data.messages as TokenBowlMessage[],
      pagination: page.data.pagination,
    };
  }

  async #request(
    path: string,
    options: {
      method?: "GET" | "POST";
      body?: string;
      signal?: AbortSignal | undefined;
      send?: boolean;
    },
  ): Promise<HttpResponse> {
    const url = new URL(path, this.#root);
    const where = `${url.origin}${url.pathname}`;
    const res = await this.#http.send({
      url,
      method: options.method ?? "GET",
      headers: {
        "x-api-key": this.#apiKey.reveal(),
        accept: "application/json",
        ...(options.body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(options.body === undefined ? {} : { body: options.body }),
      timeoutMs: this.#timeoutMs,
      redactedUrl: where,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      acceptStatus: () => true,
    });
    if (res.status >= 200 && res.status < 300) return res;
    throw tokenBowlError(
      res.status,
      where,
      { body: res.body, retryAfter: header(res.headers, "retry-after") },
      { send: options.send === true },
    );
  }
}

const INVALID = Symbol("invalid JSON");

function parseJson(body: Buffer | string): unknown {
  try {
    return JSON.parse(typeof body === "string" ? body : body.toString("utf8"));
  } catch {
    return INVALID;
  }
}

/** An item's text when the body could not be split (a duplicate key): re-serialized, or a note. */
function reserialized(item: unknown): string {
  try {
    return JSON.stringify(item) ?? "null";
  } catch (error) {
    return `(not re-serializable: ${(error as Error).message})`;
  }
}

function pagePath(kind: "room" | "direct", params: PageParams): string {
  return `${kind === "room" ? "messages" : "messages/direct"}${query(params)}`;
}

/** `URLSearchParams` percent-encodes the `+` of `+00:00`, which the server needs (reference §6). */
function query(params: PageParams): string {
  const search = new URLSearchParams();
  if (params.limit !== undefined) search.set("limit", String(params.limit));
  if (params.offset !== undefined) search.set("offset", String(params.offset));
  if (params.since !== undefined) search.set("since", params.since);
  const text = search.toString();
  return text === "" ? "" : `?${text}`;
}
