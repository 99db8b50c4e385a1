import { SimulatorConfigError } from "../chaturbate/errors.js";
import type { Role } from "./store.js";

/** An account that exists when the simulator starts. */
export interface TokenBowlAccount {
  readonly username: string;
  /** Its API key (32–128 characters); a random 64-hex key when left out. */
  readonly apiKey?: string;
  /** Default `member`. */
  readonly role?: Role;
}

/**
 * Options for {@link startTokenBowlSimulator}. Version-dependent behaviour of the real server is
 * switchable here (and at run time through `setLegacy`).
 */
export interface TokenBowlSimulatorOptions {
  /** TCP port; 0 (default) picks a free one. */
  readonly port?: number;
  /** Interface to bind (default `"127.0.0.1"`). */
  readonly host?: string;
  /** Accounts to create at start (more via `register`). */
  readonly accounts?: readonly TokenBowlAccount[];
  /**
   * Messages kept, room and direct together (default 100, the real server's fixed limit; its
   * `MESSAGE_HISTORY_LIMIT` setting is not wired). Raise it only to test paging.
   */
  readonly retention?: number;
  /**
   * Behave like server ≤ 1.1.1: oldest-first pages, 6-field messages, `GET /users` as a list of
   * names, the first version's 401 bodies (default false: server 2.0.1).
   */
  readonly legacy?: boolean;
  /** Entries kept in the request log (default 10 000). */
  readonly requestLogSize?: number;
  /** Seed for generated chat, for repeatable content (default: random). */
  readonly seed?: number;
}

/** Options with defaults filled in, validated and frozen. */
export type ResolvedTokenBowlOptions = Readonly<
  Required<Omit<TokenBowlSimulatorOptions, "seed">> & { seed: number | undefined }
>;

const ROLES: readonly string[] = ["admin", "member", "viewer", "bot"];

/** Fills in defaults and checks every option, reporting all problems in one error. */
export function resolveTokenBowlOptions(
  options: TokenBowlSimulatorOptions,
): ResolvedTokenBowlOptions {
  const resolved = {
    port: options.port ?? 0,
    host: options.host ?? "127.0.0.1",
    accounts: options.accounts ?? [],
    retention: options.retention ?? 100,
    legacy: options.legacy ?? false,
    requestLogSize: options.requestLogSize ?? 10_000,
    seed: options.seed,
  };
  const problems: string[] = [];
  const integer = (name: string, value: number | undefined, min: number, max = 2 ** 31) => {
    if (value !== undefined && (!Number.isInteger(value) || value < min || value > max)) {
      problems.push(`${name} must be an integer in ${min}..${max}, got ${value}`);
    }
  };
  integer("port", resolved.port, 0, 65535);
  integer("retention", resolved.retention, 1, 1_000_000);
  integer("requestLogSize", resolved.requestLogSize, 1);
  integer("seed", resolved.seed, 0, 2 ** 32 - 1);
  for (const account of resolved.accounts) {
    if (!account.username || account.username.length > 50) {
      problems.push(`account username must be 1-50 characters, got ${account.username}`);
    }
    if (account.apiKey !== undefined && (account.apiKey.length < 32 || account.apiKey.length > 128))
      problems.push(`the API key of ${account.username} must be 32-128 characters`);
    if (account.role !== undefined && !ROLES.includes(account.role))
      problems.push(`the role of ${account.username} must be one of ${ROLES.join(", ")}`);
  }
  if (problems.length > 0) throw new SimulatorConfigError(problems);
  return Object.freeze(resolved);
}
