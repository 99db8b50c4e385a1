import { Secret } from "@castbus/config";
import type { HttpClient, HttpResponse } from "@castbus/http";
import type { Logger } from "@castbus/telemetry";
import { TokenError } from "./errors.js";

/** What `GET /oauth2/validate` says about the token. */
export interface TokenInfo {
  readonly clientId: string;
  readonly userId: string;
  readonly login: string;
  readonly scopes: readonly string[];
  readonly expiresInS: number;
}

/** A new token pair after a refresh (both values wrapped so they cannot be logged). */
export interface RefreshedTokens {
  readonly accessToken: Secret;
  readonly refreshToken: Secret | undefined;
}

/** Settings of {@link Tokens}. */
export interface TokensOptions {
  readonly http: HttpClient;
  /** `https://id.twitch.tv/oauth2` or a simulator's. */
  readonly authUrl: string;
  readonly clientId: string;
  readonly accessToken: Secret;
  readonly refreshToken?: Secret | undefined;
  /** Omitted for public clients (device code flow), which refresh without it. */
  readonly clientSecret?: Secret | undefined;
  readonly timeoutMs: number;
  readonly logger: Logger;
  /** Counts validate/refresh outcomes (`castbus_upstream_requests_total`). */
  readonly count: (outcome: string) => void;
  /** Told about every new pair (to persist it); never logs it. */
  readonly onRefreshed?: (tokens: RefreshedTokens) => void;
}

/**
 * The user access token: validated at start and on a timer (Twitch requires hourly
 * validation), refreshed with the refresh token when Twitch says it is invalid. New tokens are
 * kept in memory as {@link Secret}s, so the logger scrubs them too. A token that cannot be made
 * to work throws {@link TokenError}.
 */
export class Tokens {
  readonly #o: TokensOptions;
  #access: Secret;
  #refresh: Secret | undefined;
  #info: TokenInfo | undefined;
  #refreshing: Promise<void> | undefined;

  constructor(options: TokensOptions) {
    this.#o = options;
    // Tokens copied from IRC tools carry an `oauth:` prefix that Helix does not accept.
    const raw = options.accessToken.reveal();
    this.#access = raw.startsWith("oauth:") ? new Secret(raw.slice(6)) : options.accessToken;
    this.#refresh = options.refreshToken;
  }

  /** The current access token. */
  get access(): Secret {
    return this.#access;
  }

  /** What the last successful validation said. */
  get info(): TokenInfo | undefined {
    return this.#info;
  }

  /** Validates the token, refreshing it once when Twitch answers 401. */
  async validate(signal: AbortSignal): Promise<TokenInfo> {
    let response = await this.#validateOnce(signal);
    if (response.status === 401) {
      this.#o.count("token_invalid");
      await this.refresh(this.#access, signal);
      response = await this.#validateOnce(signal);
      if (response.status === 401)
        throw new TokenError("Twitch rejects the refreshed access token");
    }
    this.#info = this.#readInfo(response);
    this.#o.count("token_valid");
    return this.#info;
  }

  /**
   * Gets a new token pair, unless the token that failed (`stale`) was replaced meanwhile.
   * Concurrent callers share one refresh.
   */
  async refresh(stale: Secret, signal: AbortSignal): Promise<void> {
    if (stale !== this.#access) return;
    this.#refreshing ??= this.#refreshOnce(signal).finally(() => (this.#refreshing = undefined));
    await this.#refreshing;
  }

  async #validateOnce(signal: AbortSignal): Promise<HttpResponse> {
    return this.#o.http.send({
      url: `${this.#o.authUrl}/validate`,
      headers: { authorization: `OAuth ${this.#access.reveal()}` },
      timeoutMs: this.#o.timeoutMs,
      signal,
      acceptStatus: (status) => status === 401,
    });
  }

  #readInfo(response: HttpResponse): TokenInfo {
    const body = parse(response) as Partial<Record<string, unknown>>;
    if (body["client_id"] !== this.#o.clientId) {
      throw new TokenError(
        `TWITCH_ACCESS_TOKEN was issued to client ${String(body["client_id"])}, not TWITCH_CLIENT_ID ${this.#o.clientId}`,
      );
    }
    if (typeof body["user_id"] !== "string" || typeof body["login"] !== "string") {
      throw new TokenError(
        "TWITCH_ACCESS_TOKEN is an app access token; EventSub over WebSocket needs a user access token",
      );
    }
    return {
      clientId: body["client_id"],
      userId: body["user_id"],
      login: body["login"],
      scopes: Array.isArray(body["scopes"]) ? body["scopes"].map(String) : [],
      expiresInS: typeof body["expires_in"] === "number" ? body["expires_in"] : 0,
    };
  }

  async #refreshOnce(signal: AbortSignal): Promise<void> {
    if (this.#refresh === undefined) {
      this.#o.count("token_refresh_unavailable");
      throw new TokenError(
        "the access token is invalid or expired and cannot be refreshed: set TWITCH_REFRESH_TOKEN (and TWITCH_CLIENT_SECRET) or a new TWITCH_ACCESS_TOKEN",
      );
    }
    const form = new URLSearchParams({
      grant_type: "refresh_token",
      refresh_token: this.#refresh.reveal(),
      client_id: this.#o.clientId,
      ...(this.#o.clientSecret === undefined
        ? {}
        : { client_secret: this.#o.clientSecret.reveal() }),
    });
    const response = await this.#o.http.send({
      url: `${this.#o.authUrl}/token`,
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: form.toString(),
      timeoutMs: this.#o.timeoutMs,
      signal,
      acceptStatus: (status) => status === 400 || status === 401 || status === 403,
    });
    if (response.status !== 200) {
      this.#o.count("token_refresh_failed");
      throw new TokenError(
        `refreshing the access token failed: Twitch answered ${response.status} ${twitchMessage(response)}; the token was probably revoked (authorize the app again)`,
      );
    }
    this.#store(parse(response) as Partial<Record<string, unknown>>);
  }

  #store(body: Partial<Record<string, unknown>>): void {
    if (typeof body["access_token"] !== "string" || body["access_token"] === "") {
      throw new TokenError("the token endpoint answered without an access_token");
    }
    this.#access = new Secret(body["access_token"]);
    if (typeof body["refresh_token"] === "string" && body["refresh_token"] !== "") {
      this.#refresh = new Secret(body["refresh_token"]);
    }
    this.#o.count("token_refreshed");
    this.#o.logger.info(
      { expiresInS: body["expires_in"] },
      "access token refreshed (kept in memory; the refresh token may have rotated)",
    );
    this.#o.onRefreshed?.({ accessToken: this.#access, refreshToken: this.#refresh });
  }
}

function parse(response: HttpResponse): unknown {
  try {
    return JSON.parse(response.body.toString("utf8")) as unknown;
  } catch {
    return {};
  }
}

/** Twitch's `message` field, short; never the body as a whole (it could echo a token). */
export function twitchMessage(response: HttpResponse): string {
  const body = parse(response) as { message?: unknown };
  return typeof body.message === "string" ? JSON.stringify(body.message.slice(0, 120)) : "";
}
