import { randomBytes } from "node:crypto";
import { InvalidInputError } from "../chaturbate/errors.js";

/** A Twitch account known to the simulator. */
export interface SimUser {
  readonly id: string;
  readonly login: string;
  readonly displayName: string;
  /** User ids that moderate this user's channel (they may subscribe to its `channel.follow`). */
  readonly moderators: readonly string[];
}

/** What a caller gives to register a user (moderators default to none). */
export interface SimUserInit {
  readonly id: string;
  readonly login: string;
  readonly displayName?: string;
  readonly moderators?: readonly string[];
}

/** A registered application (client id + secret). */
export interface SimClient {
  readonly clientId: string;
  readonly clientSecret: string;
}

/** What a caller gives to issue a token. */
export interface SimTokenInit {
  /** The access token; generated (30 lowercase characters, like Twitch's) when absent. */
  readonly accessToken?: string;
  /** The refresh token; generated when absent; `null` issues a token that cannot be refreshed. */
  readonly refreshToken?: string | null;
  /** The user the token acts for; `null` makes an app access token (rejected by EventSub WS). */
  readonly userId: string | null;
  readonly clientId: string;
  readonly scopes?: readonly string[];
  /** Lifetime in seconds (default 14 400, about what Twitch issues). */
  readonly expiresInS?: number;
}

/** One issued access token and its state. */
export interface Grant {
  readonly accessToken: string;
  readonly refreshToken: string | undefined;
  readonly userId: string | null;
  readonly clientId: string;
  readonly scopes: readonly string[];
  expiresAt: number;
  revoked: boolean;
}

/** Outcome of a refresh. */
export type RefreshResult =
  { readonly ok: true; readonly grant: Grant } | { readonly ok: false; readonly message: string };

const DEFAULT_LIFETIME_S = 14_400;

/**
 * Users, applications and tokens. Refreshing rotates the refresh token (the old one stops
 * working) and leaves the old access token valid until it expires; revoking a token revokes the
 * whole grant — every access and refresh token of that user for that client — as disconnecting
 * an app on twitch.tv does.
 */
export class Directory {
  readonly #users = new Map<string, SimUser>();
  readonly #clients = new Map<string, SimClient>();
  readonly #byAccess = new Map<string, Grant>();
  readonly #byRefresh = new Map<string, Grant>();

  addUser(init: SimUserInit): SimUser {
    if (!/^\d+$/.test(init.id)) throw new InvalidInputError("user.id", "must be digits");
    if (!/^[a-z0-9_]{1,25}$/.test(init.login)) {
      throw new InvalidInputError("user.login", "must be a lowercase Twitch login");
    }
    const user: SimUser = {
      id: init.id,
      login: init.login,
      displayName: init.displayName ?? init.login,
      moderators: [...(init.moderators ?? [])],
    };
    this.#users.set(user.id, user);
    return user;
  }

  user(id: string): SimUser | undefined {
    return this.#users.get(id);
  }

  userByLogin(login: string): SimUser | undefined {
    return [...this.#users.values()].find((user) => user.login === login.toLowerCase());
  }

  users(): readonly SimUser[] {
    return [...this.#users.values()];
  }

  addClient(client: SimClient): void {
    this.#clients.set(client.clientId, client);
  }

  client(clientId: string): SimClient | undefined {
    return this.#clients.get(clientId);
  }

  /** Issues an access token (and a refresh token unless `refreshToken` is null). */
  issue(init: SimTokenInit): Grant {
    if (!this.#clients.has(init.clientId)) {
      throw new InvalidInputError("token.clientId", `no client ${JSON.stringify(init.clientId)}`);
    }
    if (init.userId !== null && !this.#users.has(init.userId)) {
      throw new InvalidInputError("token.userId", `no user ${JSON.stringify(init.userId)}`);
    }
    const grant: Grant = {
      accessToken: init.accessToken ?? randomToken(30),
      refreshToken: init.refreshToken === null ? undefined : (init.refreshToken ?? randomToken(50)),
      userId: init.userId,
      clientId: init.clientId,
      scopes: [...(init.scopes ?? [])],
      expiresAt: Date.now() + (init.expiresInS ?? DEFAULT_LIFETIME_S) * 1000,
      revoked: false,
    };
    this.#byAccess.set(grant.accessToken, grant);
    if (grant.refreshToken !== undefined) this.#byRefresh.set(grant.refreshToken, grant);
    return grant;
  }

  /** The grant of a usable (known, unexpired, unrevoked) access token. */
  check(accessToken: string | undefined): Grant | undefined {
    const grant = accessToken === undefined ? undefined : this.#byAccess.get(accessToken);
    if (grant === undefined || grant.revoked || grant.expiresAt <= Date.now()) return undefined;
    return grant;
  }

  /** Exchanges a refresh token for a new pair, rotating the refresh token. */
  refresh(refreshToken: string, clientId: string, clientSecret: string | undefined): RefreshResult {
    const client = this.#clients.get(clientId);
    if (client === undefined) return { ok: false, message: "invalid client" };
    if (clientSecret !== client.clientSecret)
      return { ok: false, message: "invalid client secret" };
    const grant = this.#byRefresh.get(refreshToken);
    if (grant === undefined || grant.revoked || grant.clientId !== clientId) {
      return { ok: false, message: "Invalid refresh token" };
    }
    this.#byRefresh.delete(refreshToken);
    const next = this.issue({
      userId: grant.userId,
      clientId: grant.clientId,
      scopes: grant.scopes,
    });
    return { ok: true, grant: next };
  }

  /** Makes an access token expire now (it can still be refreshed). */
  expire(accessToken: string): void {
    this.#grant(accessToken).expiresAt = Date.now();
  }

  /** Revokes every token of the access token's user for its client; returns that user and client. */
  revoke(accessToken: string): { userId: string | null; clientId: string } {
    const { userId, clientId } = this.#grant(accessToken);
    for (const grant of this.#byAccess.values()) {
      if (grant.userId === userId && grant.clientId === clientId) grant.revoked = true;
    }
    return { userId, clientId };
  }

  /** Whether `userId` has authorized `clientId` (holds any unrevoked grant): cost-1 types then cost 0. */
  authorized(userId: string, clientId: string): boolean {
    for (const grant of this.#byAccess.values()) {
      if (grant.userId === userId && grant.clientId === clientId && !grant.revoked) return true;
    }
    return false;
  }

  #grant(accessToken: string): Grant {
    const grant = this.#byAccess.get(accessToken);
    if (grant === undefined) throw new InvalidInputError("token", "unknown access token");
    return grant;
  }
}

/** Lowercase alphanumerics, the alphabet of Twitch's tokens. */
function randomToken(length: number): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  return [...randomBytes(length)].map((byte) => alphabet[byte % alphabet.length]).join("");
}
