import { randomBytes, randomUUID } from "node:crypto";

/** A Token Bowl role (reference §8): what an account may do. */
export type Role = "admin" | "member" | "viewer" | "bot";

/** One registered account. */
export interface SimUser {
  readonly id: string;
  readonly username: string;
  apiKey: string;
  readonly role: Role;
  readonly logo: string | null;
  readonly emoji: string | null;
  readonly webhookUrl: string | null;
  readonly createdAt: string;
  /** Ids of the messages this user marked read. */
  readonly reads: Set<string>;
}

/** One stored message row. */
export interface StoredMessage {
  /** Insertion order: breaks timestamp ties the way rowids do. */
  readonly seq: number;
  readonly id: string;
  /** The stored text timestamp; every ordering and `since` comparison is on this string. */
  readonly timestamp: string;
  readonly fromUserId: string;
  readonly fromUsername: string;
  readonly toUserId: string | null;
  readonly toUsername: string | null;
  readonly content: string;
  /** An injected item served verbatim instead of the normal shape (malformed-record tests). */
  readonly raw?: Readonly<Record<string, unknown>>;
}

/** What {@link ChatStore.query} selects. */
export interface MessageQuery {
  readonly caller: SimUser;
  readonly kind: "room" | "direct";
  /** The normalized `since` text; rows whose timestamp is greater (as a string) match. */
  readonly since?: string | undefined;
  readonly newestFirst: boolean;
}

/** Every input of {@link ChatStore.addUser}. */
export type NewUser = Pick<SimUser, "username" | "role"> &
  Partial<Pick<SimUser, "apiKey" | "logo" | "emoji" | "webhookUrl">>;

/** Most messages remembered for `posted()` (every message ever stored, evicted ones included). */
const POSTED_LIMIT = 200_000;

/**
 * Users and messages, in memory. Messages are kept in timestamp-text order and only the newest
 * `retention` survive an insert, as `storage.add_message` does (room and DMs counted together).
 */
export class ChatStore {
  readonly #users = new Map<string, SimUser>();
  readonly #byKey = new Map<string, SimUser>();
  readonly #byId = new Map<string, SimUser>();
  #messages: StoredMessage[] = [];
  readonly #posted: StoredMessage[] = [];
  #seq = 0;
  #evicted = 0;

  constructor(private readonly retention: number) {}

  /** Adds an account; the caller has checked that the name is free. */
  addUser(input: NewUser, createdAt: string): SimUser {
    const user: SimUser = {
      id: randomUUID(),
      username: input.username,
      apiKey: input.apiKey ?? randomBytes(32).toString("hex"),
      role: input.role,
      logo: input.logo ?? null,
      emoji: input.emoji ?? null,
      webhookUrl: input.webhookUrl ?? null,
      createdAt,
      reads: new Set(),
    };
    this.#users.set(user.username, user);
    this.#byKey.set(user.apiKey, user);
    this.#byId.set(user.id, user);
    return user;
  }

  user(username: string): SimUser | undefined {
    return this.#users.get(username);
  }

  userById(id: string): SimUser | undefined {
    return this.#byId.get(id);
  }

  userByKey(apiKey: string): SimUser | undefined {
    return this.#byKey.get(apiKey);
  }

  users(): SimUser[] {
    return [...this.#users.values()];
  }

  /** A fresh key for `user`; the old one stops working at once. */
  rotateKey(user: SimUser): string {
    this.#byKey.delete(user.apiKey);
    user.apiKey = randomBytes(32).toString("hex");
    this.#byKey.set(user.apiKey, user);
    return user.apiKey;
  }

  /** Removes the account; its messages stay, with an empty `from_user_id` from then on. */
  deleteUser(user: SimUser): void {
    this.#users.delete(user.username);
    this.#byKey.delete(user.apiKey);
    this.#byId.delete(user.id);
  }

  /** Stores a message and evicts everything beyond the newest `retention`. */
  add(message: Omit<StoredMessage, "seq" | "id"> & { id?: string }): StoredMessage {
    const stored: StoredMessage = { ...message, id: message.id ?? randomUUID(), seq: this.#seq++ };
    const at = this.#insertionPoint(stored);
    this.#messages.splice(at, 0, stored);
    this.#posted.push(stored);
    if (this.#posted.length > POSTED_LIMIT) this.#posted.shift();
    const excess = this.#messages.length - this.retention;
    if (excess > 0) {
      this.#messages = this.#messages.slice(excess);
      this.#evicted += excess;
    }
    return stored;
  }

  /** Matching retained rows, ordered by timestamp text (ties by insertion order). */
  query(q: MessageQuery): StoredMessage[] {
    const rows = this.#messages.filter(
      (m) =>
        (q.since === undefined || m.timestamp > q.since) &&
        (q.kind === "room" ? m.toUsername === null : canSeeDirect(q.caller, m)),
    );
    return q.newestFirst ? rows.reverse() : rows;
  }

  /** A retained message by id. */
  find(id: string): StoredMessage | undefined {
    return this.#messages.find((m) => m.id === id);
  }

  /** Retained rows, oldest first. */
  retained(): readonly StoredMessage[] {
    return this.#messages;
  }

  /** Every row ever stored (evicted ones too), oldest insert first. */
  posted(): readonly StoredMessage[] {
    return this.#posted;
  }

  /** How many rows retention has deleted. */
  get evicted(): number {
    return this.#evicted;
  }

  #insertionPoint(message: StoredMessage): number {
    // Usually the newest: search from the end.
    let at = this.#messages.length;
    while (at > 0 && this.#messages[at - 1]!.timestamp > message.timestamp) at -= 1;
    return at;
  }
}

/** DMs a user may list: their own, or every DM for a viewer (reference §8). */
export function canSeeDirect(user: SimUser, m: StoredMessage): boolean {
  if (m.toUsername === null) return false;
  return (
    user.role === "viewer" || m.fromUsername === user.username || m.toUsername === user.username
  );
}
