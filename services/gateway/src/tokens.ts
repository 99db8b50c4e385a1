import { Secret } from "@castbus/config";
import { createHash, timingSafeEqual } from "node:crypto";

/** One accepted bearer token: a name for logs, metrics and rate limits, and its digest. */
interface TokenEntry {
  readonly name: string;
  readonly digest: Buffer;
}

const NAME = /^[a-z0-9_-]{1,32}$/;

/**
 * Parses `name:token,name:token` (the same name may appear twice while a token rotates).
 * Problems name the position, never the token.
 */
export function parseTokens(value: Secret): { entries: TokenEntry[] } | { error: string } {
  const entries: TokenEntry[] = [];
  const parts = value
    .reveal()
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  for (const [index, part] of parts.entries()) {
    const colon = part.indexOf(":");
    const name = colon > 0 ? part.slice(0, colon) : "";
    const token = part.slice(colon + 1);
    if (!NAME.test(name))
      return { error: `entry ${index + 1} must be name:token with a lowercase name (a-z 0-9 _ -)` };
    if (token.length < 16)
      return { error: `entry ${index + 1} (${name}): tokens must be at least 16 characters` };
    new Secret(token); // registers the value so the logger scrubs it
    entries.push({ name, digest: digest(token) });
  }
  return entries.length > 0 ? { entries } : { error: "needs at least one name:token" };
}

/** The outcome of checking an `Authorization` header. */
export type AuthResult = { ok: true; name: string } | { ok: false; status: 401 | 403 };

/**
 * Checks bearer tokens in constant time per entry (comparing SHA-256 digests, so neither the
 * token's length nor its content leaks through timing). No header → 401; a wrong token → 403.
 */
export class TokenAuth {
  readonly #entries: readonly TokenEntry[];

  constructor(tokens: Secret) {
    const parsed = parseTokens(tokens);
    if ("error" in parsed) throw new TypeError(`GATEWAY_TOKENS: ${parsed.error}`);
    this.#entries = parsed.entries;
  }

  check(authorization: string | undefined): AuthResult {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
    if (match === null) return { ok: false, status: 401 };
    const given = digest(match[1]!);
    let name: string | undefined;
    for (const entry of this.#entries)
      if (timingSafeEqual(entry.digest, given)) name ??= entry.name;
    return name === undefined ? { ok: false, status: 403 } : { ok: true, name };
  }
}

function digest(token: string): Buffer {
  return createHash("sha256").update(token).digest();
}
