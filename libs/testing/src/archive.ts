import { appendFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";

/**
 * The run-wide log archive behind the secrets scan: when `CASTBUS_LOG_ARCHIVE` names a directory,
 * every line a test captures (in-process loggers, spawned services) is appended there, and every
 * secret a test hands a service is recorded beside it. `npm test` scans the archive at the end:
 * no configured secret may appear in any log line of the whole run.
 */
const ARCHIVE = process.env["CASTBUS_LOG_ARCHIVE"];
/** Variables that hold credentials: `CB_TOKEN`, `NATS_PASSWORD`, `TWITCH_CLIENT_SECRET`, `GATEWAY_TOKENS`... (not `TOKENBOWL_URL`). */
const SECRET_KEY = /(^|_)(TOKENS?|PASSWORD|SECRET|API_?KEY)$/i;

function file(kind: "lines" | "secrets"): string | undefined {
  if (ARCHIVE === undefined || ARCHIVE === "") return undefined;
  mkdirSync(ARCHIVE, { recursive: true });
  return join(ARCHIVE, `${kind}-${process.pid}.txt`);
}

let pending: string[] = [];

function flush(): void {
  const path = file("lines");
  if (path === undefined || pending.length === 0) return;
  appendFileSync(path, `${pending.join("\n")}\n`);
  pending = [];
}

if (ARCHIVE !== undefined && ARCHIVE !== "") {
  setInterval(flush, 250).unref();
  process.on("exit", flush);
}

/** Appends captured log lines to the archive (no-op without `CASTBUS_LOG_ARCHIVE`). */
export function archiveLines(lines: readonly string[]): void {
  if (ARCHIVE === undefined || ARCHIVE === "" || lines.length === 0) return;
  pending.push(...lines);
  if (pending.length > 5000) flush();
}

/** Records secret values (one per line) the scan must not find in any archived line. */
export function archiveSecrets(values: Iterable<string>): void {
  const path = file("secrets");
  const list = [...values].filter((v) => v.length >= 6);
  if (path !== undefined && list.length > 0)
    appendFileSync(path, `${list.map((v) => JSON.stringify(v)).join("\n")}\n`);
}

/** The secret-looking values of an environment (`*_TOKEN`, `*_PASSWORD`, `*_API_KEY`, ...). */
export function secretValues(env: Readonly<Record<string, string | undefined>>): string[] {
  return Object.entries(env).flatMap(([key, value]) =>
    SECRET_KEY.test(key) && value !== undefined
      ? key.endsWith("_TOKENS")
        ? tokenList(value)
        : [value]
      : [],
  );
}

/** `name:token,name:token` lists (the gateway's) hold several secrets. */
function tokenList(value: string): string[] {
  return value.split(",").map((entry) => entry.slice(entry.indexOf(":") + 1).trim());
}
