/**
 * NATS-style patterns over event types: `*` is exactly one token, `>` (last) one or more
 * trailing tokens, and a `*` inside a token is a prefix/suffix glob within that token
 * (`obs.stream_*` matches `obs.stream_started`). Patterns are compiled once into a predicate.
 */
export type Matcher = (type: string) => boolean;

const VALID_TOKEN = /^[A-Za-z0-9_*-]+$/;

/** Compiles `pattern`; throws `TypeError` for a malformed one (empty tokens, `>` not last). */
export function compilePattern(pattern: string): Matcher {
  const tokens = pattern.split(".");
  tokens.forEach((token, index) => {
    if (token === ">") {
      if (index !== tokens.length - 1)
        throw new TypeError(`pattern ${pattern}: ">" must be the last token`);
    } else if (!VALID_TOKEN.test(token)) {
      throw new TypeError(`pattern ${pattern}: invalid token ${JSON.stringify(token)}`);
    }
  });
  if (!pattern.includes("*") && !pattern.includes(">")) return (type) => type === pattern;
  const tail = tokens.at(-1) === ">";
  const fixed = tail ? tokens.slice(0, -1) : tokens;
  const checks = fixed.map(tokenMatcher);
  return (type) => {
    const parts = type.split(".");
    if (tail ? parts.length <= fixed.length : parts.length !== fixed.length) return false;
    return checks.every((check, i) => check(parts[i]!));
  };
}

function tokenMatcher(token: string): (part: string) => boolean {
  if (token === "*") return () => true;
  if (!token.includes("*")) return (part) => part === token;
  const regex = new RegExp(`^${token.split("*").map(escapeRegex).join("[^.]*")}$`);
  return (part) => regex.test(part);
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
