import type { CastbusEvent } from "@castbus/events";
import type { Filter } from "./types.js";

/**
 * Built-in filters (pass them as `router.on(pattern, handler, { filter })`). They read the shared
 * vocabulary, so they work on every source: `data.user` (`username`, `roles`), amounts in
 * `data.tokens` / `data.bits` / `data.amount`.
 */

/** Well-known chat bots; `notBot({ names })` adds your own. */
export const KNOWN_BOTS: readonly string[] = [
  "nightbot",
  "streamelements",
  "streamlabs",
  "moobot",
  "fossabot",
  "wizebot",
  "soundalerts",
  "sery_bot",
  "botrixoficial",
  "kofistreambot",
  "pokemoncommunitygame",
  "blerp",
  "streamstickers",
  "commanderroot",
  "creatisbot",
  "own3d",
  "tangiabot",
  "lurxx",
  "drapsnatt",
  "anotherttvviewer",
];

/** Drops events from chat bots: a `bot` role, `user.isBot`, or a known bot name. */
export function notBot(options: { names?: readonly string[] } = {}): Filter {
  const names = new Set([...KNOWN_BOTS, ...(options.names ?? [])].map((n) => n.toLowerCase()));
  return (event) => {
    const user = userOf(event);
    if (user === undefined) return true;
    if (user["isBot"] === true || rolesOf(event).has("bot")) return false;
    const username = user["username"];
    return !(typeof username === "string" && names.has(username.toLowerCase()));
  };
}

/** Keeps events from people with at least one of `roles` (e.g. `fromRoles("moderator", "broadcaster")`). */
export function fromRoles(...roles: string[]): Filter {
  const wanted = roles.map((r) => r.toLowerCase());
  return (event) => {
    const have = rolesOf(event);
    return wanted.some((role) => have.has(role));
  };
}

/**
 * Lets one event through per `ms`, per user (default: keyed by `user.id`, else `username`) or
 * globally — the "don't answer the same viewer more than once a minute" rule.
 */
export function cooldown(ms: number, options: { per?: "user" | "global" } = {}): Filter {
  const last = new Map<string, number>();
  const per = options.per ?? "user";
  return (event) => {
    const now = Date.now();
    const key = per === "global" ? "*" : userKey(event);
    if (key === undefined) return true;
    const previous = last.get(key);
    if (previous !== undefined && now - previous < ms) return false;
    last.set(key, now);
    if (last.size > 10_000) prune(last, now - ms);
    return true;
  };
}

/** Keeps tips, cheers and other paid events of at least `n` (tokens, bits or `amount`). */
export function minAmount(n: number): Filter {
  return (event) => {
    const amount = amountOf(event);
    return amount !== undefined && amount >= n;
  };
}

/** The roles of the person behind an event, from `user.roles` and the sources' own flags. */
export function rolesOf(event: CastbusEvent): Set<string> {
  const roles = new Set<string>();
  const user = userOf(event);
  if (user === undefined) return roles;
  const listed = user["roles"];
  if (Array.isArray(listed))
    for (const role of listed) if (typeof role === "string") roles.add(role.toLowerCase());
  if (user["isMod"] === true) roles.add("moderator");
  if (user["inFanclub"] === true) roles.add("fanclub");
  if (user["isOwner"] === true) roles.add("broadcaster");
  const data = event.data as Record<string, unknown>;
  if (typeof data["broadcaster"] === "string" && data["broadcaster"] === user["username"])
    roles.add("broadcaster");
  return roles;
}

function userOf(event: CastbusEvent): Record<string, unknown> | undefined {
  const user = (event.data as Record<string, unknown>)["user"];
  return typeof user === "object" && user !== null ? (user as Record<string, unknown>) : undefined;
}

function userKey(event: CastbusEvent): string | undefined {
  const user = userOf(event);
  const key = user?.["id"] ?? user?.["username"];
  return typeof key === "string" ? `${event.source}:${key}` : undefined;
}

function amountOf(event: CastbusEvent): number | undefined {
  const data = event.data as Record<string, unknown>;
  for (const key of ["tokens", "bits", "amount"])
    if (typeof data[key] === "number") return data[key];
  return undefined;
}

function prune(last: Map<string, number>, before: number): void {
  for (const [key, at] of last) if (at < before) last.delete(key);
}
