import { Secret } from "@castbus/config";
import { readFileSync } from "node:fs";

/** One broadcaster this ingester reads. */
export interface Account {
  readonly username: string;
  readonly token: Secret;
}

const USERNAME = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * Reads `CB_ACCOUNTS_FILE`: a JSON array of `{ "username": ..., "token": ... }`, or lines of
 * `username:token` (blank lines and `#` comments ignored). Every problem is reported with its
 * line or index, never with the token.
 */
export function readAccountsFile(path: string): Account[] {
  const text = readFileSync(path, "utf8");
  const entries = path.endsWith(".json") ? fromJson(text) : fromLines(text);
  const seen = new Set<string>();
  return entries.map(({ username, token, where }) => {
    if (!USERNAME.test(username)) throw new TypeError(`${where}: not a Chaturbate username`);
    if (token.length === 0) throw new TypeError(`${where}: missing token`);
    if (seen.has(username)) throw new TypeError(`${where}: ${username} is listed twice`);
    seen.add(username);
    return { username, token: new Secret(token) };
  });
}

interface RawEntry {
  readonly username: string;
  readonly token: string;
  readonly where: string;
}

function fromJson(text: string): RawEntry[] {
  const parsed = JSON.parse(text) as unknown;
  if (!Array.isArray(parsed)) throw new TypeError("must be a JSON array of { username, token }");
  return parsed.map((item, index) => {
    const { username, token } = (item ?? {}) as { username?: unknown; token?: unknown };
    return {
      username: String(username ?? ""),
      token: typeof token === "string" ? token : "",
      where: `entry ${index + 1}`,
    };
  });
}

function fromLines(text: string): RawEntry[] {
  return text.split(/\r?\n/).flatMap((line, index) => {
    const content = line.replace(/#.*$/, "").trim();
    if (content === "") return [];
    const colon = content.indexOf(":");
    const username = colon < 0 ? content : content.slice(0, colon).trim();
    return [
      {
        username,
        token: colon < 0 ? "" : content.slice(colon + 1).trim(),
        where: `line ${index + 1}`,
      },
    ];
  });
}
