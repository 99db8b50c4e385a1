import { parseArgs, type ParseArgsOptionsConfig } from "node:util";
import { UsageError } from "./errors.js";

/** Options every command accepts. */
export const COMMON_OPTIONS = {
  help: { type: "boolean", short: "h" },
  json: { type: "boolean" },
  server: { type: "string" },
} as const satisfies ParseArgsOptionsConfig;

/**
 * `node:util` parseArgs with the common options, `--no-<flag>` negation and a positional count
 * check; every problem becomes a one-line {@link UsageError}.
 */
export function parse<const O extends ParseArgsOptionsConfig>(
  argv: readonly string[],
  options: O,
  positionals: { min?: number; max?: number; names?: string } = {},
) {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: { ...COMMON_OPTIONS, ...options },
      allowPositionals: true,
      allowNegative: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(parseErrorLine(error));
  }
  const count = parsed.positionals.length;
  const names = positionals.names ?? "argument";
  if (count < (positionals.min ?? 0)) throw new UsageError(`missing ${names}`);
  if (count > (positionals.max ?? 0)) {
    throw new UsageError(`unexpected argument '${parsed.positionals[positionals.max ?? 0]}'`);
  }
  return parsed;
}

function parseErrorLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: string }).code;
  const option = /'(-[^' ]*)/.exec(message)?.[1] ?? "";
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") return `unknown option ${option}`;
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
    return /argument missing/.test(message)
      ? `option ${option} needs a value`
      : `option ${option} takes no value`;
  }
  return message.split("\n")[0]!;
}

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/;
const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** `500ms`, `10s`, `10m`, `2h`, `1d`, `1w` in milliseconds; `undefined` for anything else. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  return match === null ? undefined : Number(match[1]) * UNIT_MS[match[2]!]!;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i;

/** A point in time: a duration back from `now` (`10m`, `2h`, `1d`) or an RFC 3339 time. */
export function parseTime(text: string, option: string, now = new Date()): Date {
  const ago = parseDuration(text);
  if (ago !== undefined) return new Date(now.getTime() - ago);
  const time = new Date(text);
  if (!RFC3339.test(text.trim()) || Number.isNaN(time.getTime())) {
    throw new UsageError(
      `${option} must be a duration (10m, 2h, 1d) or an RFC 3339 time, not '${text}'`,
    );
  }
  return time;
}

/** A positive integer option (`--limit 10`). */
export function parseCount(text: string, option: string, min = 1): number {
  if (!/^\d+$/.test(text) || Number(text) < min) {
    throw new UsageError(`${option} must be an integer ≥ ${min}, not '${text}'`);
  }
  return Number(text);
}

const MAX_RANGE = 100_000;

/** Stream sequences from `12 15-20 30,31` (each argument may hold commas and ranges). */
export function parseSequences(args: readonly string[]): number[] {
  const out = new Set<number>();
  for (const part of args.flatMap((arg) => arg.split(",")).filter((p) => p !== "")) {
    const match = /^(\d+)(?:-(\d+))?$/.exec(part);
    const from = Number(match?.[1] ?? NaN);
    const to = Number(match?.[2] ?? match?.[1] ?? NaN);
    if (match === null || from < 1 || to < from || to - from > MAX_RANGE) {
      throw new UsageError(`not a stream sequence or range: '${part}'`);
    }
    for (let seq = from; seq <= to; seq++) out.add(seq);
  }
  return [...out].sort((a, b) => a - b);
}

const TOKEN = /^[A-Za-z0-9_-]+$/;

/**
 * A NATS subject filter under `prefix`: `chaturbate.>` → `events.chaturbate.>`. A filter that
 * already starts with the prefix is kept. Tokens are NATS-safe names, `*`, or a final `>`.
 */
export function subjectFilter(pattern: string, prefix: string, option: string): string {
  const subject = pattern.startsWith(`${prefix}.`) ? pattern : `${prefix}.${pattern}`;
  const tokens = subject.split(".");
  const ok = tokens.every(
    (token, i) => TOKEN.test(token) || token === "*" || (token === ">" && i === tokens.length - 1),
  );
  if (!ok) {
    throw new UsageError(
      `${option} must be a subject pattern of NATS-safe tokens, * and a final >, not '${pattern}'`,
    );
  }
  return subject;
}
