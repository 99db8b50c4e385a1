import { SimulatorConfigError } from "./errors.js";

/**
 * Options for {@link startChaturbateSimulator}. Behaviours the real API does not document
 * (backlog size, cursor retention, auth status, timeout clamping) are options here.
 */
export interface ChaturbateSimulatorOptions {
  /** TCP port; 0 (default) picks a free one. */
  readonly port?: number;
  /** Interface to bind (default `"127.0.0.1"`). */
  readonly host?: string;
  /** Accounts to create at start (more via `addAccount`). */
  readonly accounts?: readonly { readonly username: string; readonly token: string }[];
  /** Newest events a request without `i` gets (default 20). */
  readonly backlogSize?: number;
  /** Most events in one batch (default 100); the rest follow on the next `nextUrl`. */
  readonly maxBatch?: number;
  /** An `i` whose ms part is older than this gets `expiredCursorStatus` (default: never). */
  readonly cursorRetentionMs?: number;
  /** Status for an expired cursor (default 400). */
  readonly expiredCursorStatus?: number;
  /** Status for an unknown user, a wrong token or a revoked token (default 401). */
  readonly authFailureStatus?: 401 | 403 | 404;
  /** Requests per token per rolling minute before 429 (default 2000, as documented). */
  readonly rateLimitPerMinute?: number;
  /** Gzip bodies for clients that send `Accept-Encoding: gzip` (default false). */
  readonly gzip?: boolean;
  /** Upper clamp for the `timeout` query parameter in seconds (default 90, the documented max). */
  readonly maxTimeoutS?: number;
  /**
   * Origin used in `nextUrl`, e.g. `"http://sim:8091"`. Default: the request's `Host` header, so
   * a client reaching the simulator under any name gets `nextUrl`s on that same host back.
   */
  readonly publicUrl?: string;
  /** Events kept per account before the oldest are dropped (default 100 000). */
  readonly maxFeedEvents?: number;
  /** Entries kept in the request log (default 10 000). */
  readonly requestLogSize?: number;
  /** Seed for generated payloads, for repeatable content (default: random). */
  readonly seed?: number;
}

/** Options with defaults filled in, validated and frozen. */
export type ResolvedOptions = Readonly<
  Required<Omit<ChaturbateSimulatorOptions, "cursorRetentionMs" | "publicUrl" | "seed">> & {
    cursorRetentionMs: number | undefined;
    publicUrl: string | undefined;
    seed: number | undefined;
  }
>;

/** Fills in defaults and checks every option, reporting all problems in one error. */
export function resolveOptions(options: ChaturbateSimulatorOptions): ResolvedOptions {
  const resolved: ResolvedOptions = {
    port: options.port ?? 0,
    host: options.host ?? "127.0.0.1",
    accounts: options.accounts ?? [],
    backlogSize: options.backlogSize ?? 20,
    maxBatch: options.maxBatch ?? 100,
    cursorRetentionMs: options.cursorRetentionMs,
    expiredCursorStatus: options.expiredCursorStatus ?? 400,
    authFailureStatus: options.authFailureStatus ?? 401,
    rateLimitPerMinute: options.rateLimitPerMinute ?? 2000,
    gzip: options.gzip ?? false,
    maxTimeoutS: options.maxTimeoutS ?? 90,
    publicUrl: options.publicUrl?.replace(/\/+$/, ""),
    maxFeedEvents: options.maxFeedEvents ?? 100_000,
    requestLogSize: options.requestLogSize ?? 10_000,
    seed: options.seed,
  };
  const problems = findProblems(resolved);
  if (problems.length > 0) throw new SimulatorConfigError(problems);
  return Object.freeze(resolved);
}

function findProblems(o: ResolvedOptions): string[] {
  const problems: string[] = [];
  const integer = (name: string, value: number | undefined, min: number, max = 2 ** 31): void => {
    if (value !== undefined && (!Number.isInteger(value) || value < min || value > max)) {
      problems.push(`${name} must be an integer in ${min}..${max}, got ${value}`);
    }
  };
  integer("port", o.port, 0, 65535);
  integer("backlogSize", o.backlogSize, 0);
  integer("maxBatch", o.maxBatch, 1);
  integer("cursorRetentionMs", o.cursorRetentionMs, 0);
  integer("expiredCursorStatus", o.expiredCursorStatus, 400, 599);
  integer("rateLimitPerMinute", o.rateLimitPerMinute, 1);
  integer("maxTimeoutS", o.maxTimeoutS, 0, 90);
  integer("maxFeedEvents", o.maxFeedEvents, 1);
  integer("requestLogSize", o.requestLogSize, 1);
  integer("seed", o.seed, 0, 2 ** 32 - 1);
  if (![401, 403, 404].includes(o.authFailureStatus)) {
    problems.push(`authFailureStatus must be 401, 403 or 404, got ${o.authFailureStatus}`);
  }
  if (o.publicUrl !== undefined && !URL.canParse(o.publicUrl)) {
    problems.push(`publicUrl must be an absolute URL, got ${JSON.stringify(o.publicUrl)}`);
  }
  for (const account of o.accounts) {
    if (!account.username || !account.token) problems.push("accounts need a username and a token");
  }
  return problems;
}
