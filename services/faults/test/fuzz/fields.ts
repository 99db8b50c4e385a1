import type { Random } from "./random.js";
import {
  DEEP_SAFE,
  HOSTILE_STRINGS,
  LOOKALIKE_STRINGS,
  PROTO_KEYS,
  clone,
  deep,
  deletePath,
  has,
  hugeString,
  parentOf,
  replacementValues,
  setOwn,
  setPath,
} from "./values.js";

/**
 * Field rules, written by hand from each source's wire schema (`services/ingester-<source>/src/
 * upstream.ts`) and the normalized schema behind it (`libs/events`): what a field accepts decides
 * whether a mutated record must be published or dead-lettered. They are an independent reading
 * of the contract, not a call into the ingester's own validation.
 */

/** What must become of one upstream input. */
export type Verdict = "dlq" | "event" | "ignored";

/** How the source must judge one field's value (`undefined` = the field is absent). */
export interface FieldRule {
  judge(value: unknown): Verdict;
  /** Unusual values worth trying for this field (valid and invalid). */
  samples(random: Random): unknown[];
  /** The value reaches the published event, so a string over 1 MiB overflows max_payload. */
  readonly published: boolean;
}

/** The rules of one payload: dotted path → rule. */
export type Shape = Readonly<Record<string, FieldRule>>;

const verdict = (ok: boolean): Verdict => (ok ? "event" : "dlq");

/** A string; `min` 1 for required names; `nullish` when null/absent are allowed. */
export function text(
  options: { min?: number; nullish?: boolean; published?: boolean } = {},
): FieldRule {
  const min = options.min ?? 0;
  return {
    judge: (v) =>
      v === undefined || v === null
        ? verdict(options.nullish === true)
        : verdict(typeof v === "string" && v.length >= min),
    samples: (random) => [
      "",
      random.pick(HOSTILE_STRINGS),
      random.pick(LOOKALIKE_STRINGS),
      42,
      null,
    ],
    published: options.published ?? true,
  };
}

/** A boolean (`nullish`: null/absent allowed). */
export function bool(options: { nullish?: boolean } = {}): FieldRule {
  return {
    judge: (v) =>
      v === undefined || v === null
        ? verdict(options.nullish === true)
        : verdict(typeof v === "boolean"),
    samples: () => ["true", "false", 0, 1, "yes", null],
    published: true,
  };
}

/**
 * A safe integer at least `min` (zod's `.int()` refuses unsafe integers). `digits`: numeric
 * strings of ASCII digits are accepted too and converted (Chaturbate's lax integers).
 */
export function int(
  options: { min?: number; nullish?: boolean; digits?: boolean } = {},
): FieldRule {
  const min = options.min ?? Number.MIN_SAFE_INTEGER;
  const ok = (n: number) => Number.isSafeInteger(n) && n >= min;
  return {
    judge: (v) => {
      if (v === undefined || v === null) return verdict(options.nullish === true);
      if (typeof v === "number") return verdict(ok(v));
      return verdict(
        options.digits === true && typeof v === "string" && /^\d+$/.test(v) && ok(Number(v)),
      );
    },
    samples: () => [
      0,
      -1,
      1.5,
      2 ** 53,
      1e21,
      "7",
      "007",
      "0",
      "-1",
      "1.0",
      "1e3",
      " 7",
      "１２",
      "99999999999999999999",
      null,
    ],
    published: true,
  };
}

const RFC3339 = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(\.\d{1,9})?(Z|([+-])(\d\d):(\d\d))$/;

/** Whether `v` is an RFC 3339 timestamp naming a real instant (what `timestampSchema` accepts). */
export function isRealTime(v: unknown): boolean {
  if (typeof v !== "string") return false;
  const m = RFC3339.exec(v);
  if (m === null) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as number[];
  const days = new Date(Date.UTC(year!, month!, 0)).getUTCDate();
  const offsetOk = m[9] === undefined || (Number(m[10]) <= 23 && Number(m[11]) <= 59);
  return (
    month! >= 1 &&
    month! <= 12 &&
    day! >= 1 &&
    day! <= days &&
    hour! <= 23 &&
    minute! <= 59 &&
    second! <= 59 &&
    offsetOk
  );
}

/** An RFC 3339 time that reaches the event (so it must name a real instant). */
export function time(): FieldRule {
  return {
    judge: (v) => verdict(isRealTime(v)),
    samples: () => [
      "2025-11-05T18:22:41.503912345Z",
      "2025-11-05T18:22:41+05:30",
      "2025-11-05T18:22:41",
      "2025-11-05 18:22:41Z",
      "2025-13-05T18:22:41Z",
      "2025-02-30T18:22:41Z",
      "2025-11-05T24:00:00Z",
      "2025-11-05T18:22:41.Z",
      "2025-11-05T18:22:41.1234567890Z",
      "2025-11-05t18:22:41z",
      "yesterday",
      1_762_366_961,
    ],
    published: true,
  };
}

/** An array (`nullish`: null/absent allowed); `element` judges each element when given. */
export function array(
  options: { nullish?: boolean; element?: (v: unknown) => boolean } = {},
): FieldRule {
  return {
    judge: (v) => {
      if (v === undefined || v === null) return verdict(options.nullish === true);
      return verdict(
        Array.isArray(v) && (options.element === undefined || v.every(options.element)),
      );
    },
    samples: () => [[], null, {}, "[]", [null]],
    published: true,
  };
}

/** An object whose own members have their own rules: any replacement is wrong unless nullish. */
export function struct(options: { nullish?: boolean } = {}): FieldRule {
  return {
    judge: (v) => (v === undefined || v === null ? verdict(options.nullish === true) : "dlq"),
    samples: () => [{}, [], null, "{}"],
    published: true,
  };
}

/** A rule given as a function, for the few fields the helpers above do not describe. */
export function custom(
  judge: (v: unknown) => Verdict,
  samples: (random: Random) => unknown[],
): FieldRule {
  return { judge, samples, published: true };
}

/** One mutated payload and what the source must make of it. */
export interface Mutation {
  readonly family: string;
  readonly verdict: Verdict;
  readonly payload: unknown;
}

/** Bytes of a string that overflows NATS's default 1 MiB max_payload once in an envelope. */
export const GIANT_BYTES = 1_100_000;

/**
 * One mutation of `template` under `shape`: drop a field, replace it with a value of another
 * type or an unusual one, make it huge, or add an unknown member (a prototype key, a 10 KB key,
 * deep nesting) — which every wire schema here tolerates. `giant`: strings past max_payload may
 * be drawn (not where the transport caps a frame below that). Returns undefined when the drawn
 * mutation does not apply to this template (the caller draws again).
 */
export function mutate(
  template: unknown,
  shape: Shape,
  random: Random,
  options: { giant: boolean },
): Mutation | undefined {
  const paths = Object.keys(shape).filter((p) => parentOf(template, p) !== undefined);
  const path = random.pick(paths);
  const rule = shape[path]!;
  const payload = clone(template);
  const op = random.int(0, 99);
  if (op < 12) {
    if (!has(payload, path)) return undefined;
    deletePath(payload, path);
    return { family: `drop:${path}`, verdict: rule.judge(undefined), payload };
  }
  if (op < 42)
    return replace(payload, path, rule, random.pick(replacementValues(random)), "wrongType");
  if (op < 70) return replace(payload, path, rule, random.pick(rule.samples(random)), "oddValue");
  if (op < 86) return extraMember(payload, path, random);
  if (rule.judge("a-valid-string") !== "event") return undefined;
  const giant = options.giant && random.chance(0.2);
  const value = hugeString(random, giant ? GIANT_BYTES : random.int(100_000, 300_000));
  const family = giant ? "giantString" : "hugeString";
  return {
    family: `${family}:${path}`,
    verdict: giant && rule.published ? "dlq" : "event",
    payload: withValue(payload, path, value),
  };
}

function replace(
  payload: unknown,
  path: string,
  rule: FieldRule,
  value: unknown,
  family: string,
): Mutation {
  setPath(payload, path, value);
  return { family: `${family}:${path}`, verdict: rule.judge(value), payload };
}

function withValue(payload: unknown, path: string, value: unknown): unknown {
  setPath(payload, path, value);
  return payload;
}

/** Adds an unknown member next to `path` (the wire schemas strip or keep unknown keys). */
function extraMember(payload: unknown, path: string, random: Random): Mutation | undefined {
  const at = parentOf(payload, path);
  if (at === undefined || Array.isArray(at.holder)) return undefined;
  const key = random.pick([
    random.pick(PROTO_KEYS),
    `k${"e".repeat(random.int(1_000, 10_000))}y`,
    random.pick(HOSTILE_STRINGS),
    "",
    `x_${random.int(0, 1e6)}`,
  ]);
  if (Object.hasOwn(at.holder, key)) return undefined;
  const value = random.pick([deep(random.pick(DEEP_SAFE), "mixed"), ...replacementValues(random)]);
  setOwn(at.holder, key, value);
  return {
    family: `extraKey:${path.split(".").slice(0, -1).join(".") || "(root)"}`,
    verdict: "event",
    payload,
  };
}
