import { InvalidInputError, UnknownAccountError } from "./errors.js";
import type { Feed } from "./feed.js";
import type { RoomGenerator } from "./generator.js";

/** The last non-empty batch served for an account, kept for the `redeliver` fault. */
export interface ServedBatch {
  readonly items: readonly unknown[];
  readonly nextUrl: string;
}

/** One simulated broadcaster: its tokens, feed and payload generator. */
export interface Account {
  readonly username: string;
  readonly feed: Feed;
  readonly room: RoomGenerator;
  /** Tokens that currently work; a user may hold several, as on the real site. */
  readonly tokens: Set<string>;
  lastBatch: ServedBatch | undefined;
}

/** The simulator's accounts, with token checks and delayed revocation. */
export class Accounts {
  private readonly byName = new Map<string, Account>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly create: (username: string) => Pick<Account, "feed" | "room">) {}

  /** Adds `token` to `username`, creating the account on first use. */
  add(username: string, token: string): void {
    checkSegment("username", username);
    checkSegment("token", token);
    let account = this.byName.get(username);
    if (account === undefined) {
      account = { username, tokens: new Set(), lastBatch: undefined, ...this.create(username) };
      this.byName.set(username, account);
    }
    account.tokens.add(token);
  }

  /** The account for `username`; throws {@link UnknownAccountError} when there is none. */
  get(username: string): Account {
    const account = this.byName.get(username);
    if (account === undefined) throw new UnknownAccountError(username);
    return account;
  }

  /** The account when `token` currently works for `username`, else `undefined`. */
  authorize(username: string, token: string): Account | undefined {
    const account = this.byName.get(username);
    return account?.tokens.has(token) === true ? account : undefined;
  }

  /**
   * Revokes every token `username` holds now, after `afterMs`. Waiting long-polls are woken so
   * they fail with the auth status too, since the real API cuts off held cursors as well.
   */
  revoke(username: string, afterMs: number): void {
    const account = this.get(username);
    if (!Number.isFinite(afterMs) || afterMs < 0) {
      throw new InvalidInputError("afterMs", "must be a non-negative number");
    }
    const tokens = [...account.tokens];
    const apply = (): void => {
      for (const token of tokens) account.tokens.delete(token);
      account.feed.notify();
    };
    if (afterMs === 0) return apply();
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      apply();
    }, afterMs);
    timer.unref();
    this.timers.add(timer);
  }

  /** Every account. */
  all(): Account[] {
    return [...this.byName.values()];
  }

  /** Cancels pending revocations. */
  close(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}

// Usernames and tokens are single path segments of the feed URL.
function checkSegment(field: string, value: unknown): void {
  if (typeof value !== "string" || value.length === 0 || /[/\s]/.test(value)) {
    throw new InvalidInputError(field, "must be a non-empty string without '/' or whitespace");
  }
}
