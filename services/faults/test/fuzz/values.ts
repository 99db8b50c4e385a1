import type { Random } from "./random.js";

/**
 * The vocabulary of odd values the generators draw from: every JSON type, numbers at the edges
 * of what JavaScript and zod accept, strings that look like numbers or keywords, strings that are
 * valid but hostile (lone surrogates, control characters, bidi overrides, huge), keys that
 * collide with `Object.prototype`, and deep nesting.
 */

/** Nesting that every JSON.stringify in the chain still handles (V8 overflows near 4,500). */
export const DEEP_SAFE = [1_000, 1_500, 2_000] as const;
/** Nesting far past JSON.stringify's recursion limit. */
export const DEEP_HOSTILE = [10_000, 100_000] as const;

/** A value nested `depth` levels deep: arrays, objects, or both alternating. */
export function deep(depth: number, style: "array" | "object" | "mixed" = "array"): unknown {
  return JSON.parse(deepText(depth, style));
}

/** The JSON text of {@link deep} (built as text: cheaper, and never recursive). */
export function deepText(depth: number, style: "array" | "object" | "mixed" = "array"): string {
  const open = (i: number) =>
    style === "array" || (style === "mixed" && i % 2 === 0) ? "[" : '{"k":';
  const close = (i: number) =>
    style === "array" || (style === "mixed" && i % 2 === 0) ? "]" : "}";
  const opens: string[] = [];
  const closes: string[] = [];
  for (let i = 0; i < depth; i++) {
    opens.push(open(i));
    closes.push(close(depth - 1 - i));
  }
  const innermost = style === "array" || (style === "mixed" && (depth - 1) % 2 === 0) ? "" : "1";
  return `${opens.join("")}${innermost}${closes.join("")}`;
}

/** A string of `bytes` UTF-8 bytes that is not all one character (so nothing compresses it away). */
export function hugeString(random: Random, bytes: number): string {
  const unit = `${random.int(0, 1e9).toString(36)}-castbus-fuzz-`;
  return unit.repeat(Math.ceil(bytes / unit.length)).slice(0, bytes);
}

/** Strings every `z.string()` accepts but that break naive code downstream. */
export const HOSTILE_STRINGS: readonly string[] = [
  "\ud800",
  "\udfff",
  "a\ud800b",
  "\udc00\ud800",
  "\u0000",
  "nul\u0000inside",
  "\u0007\u001b[31mred\u001b[0m",
  "\t\v\f",
  "\ufeffbom",
  "\u202eevil\u202c",
  "\u200b",
  "🙂🏳️‍🌈",
  "ｆｕｌｌｗｉｄｔｈ",
  "<script>alert(1)</script>",
  "'; DROP TABLE events; --",
  "${jndi:ldap://x}",
  "../../etc/passwd",
  " leading and trailing ",
];

/** Strings that look like numbers, booleans or keywords. */
export const LOOKALIKE_STRINGS: readonly string[] = [
  "NaN",
  "Infinity",
  "-Infinity",
  "-0",
  "1e3",
  "1e309",
  "0x10",
  "0b1",
  "１２",
  " 5",
  "5 ",
  "+5",
  "1.5",
  "-1",
  "null",
  "undefined",
  "true",
  "[]",
  "{}",
];

/** Keys that name `Object.prototype` members (prototype-pollution probes). */
export const PROTO_KEYS: readonly string[] = [
  "__proto__",
  "constructor",
  "prototype",
  "toString",
  "hasOwnProperty",
  "valueOf",
  "__defineGetter__",
  "isPrototypeOf",
];

/** One value of every JSON type, and numbers at the edges (what replaces a field). */
export function replacementValues(random: Random): unknown[] {
  return [
    0,
    1,
    -1,
    1.5,
    -273.15,
    2 ** 53,
    2 ** 53 - 1,
    -(2 ** 53),
    1e308,
    5e-324,
    true,
    false,
    null,
    "",
    random.pick(LOOKALIKE_STRINGS),
    random.pick(HOSTILE_STRINGS),
    [],
    [1],
    ["a"],
    [null],
    {},
    { a: 1 },
    protoObject(random),
    deep(random.pick(DEEP_SAFE), random.pick(["array", "object", "mixed"] as const)),
  ];
}

/** An object whose own keys collide with `Object.prototype` members. */
export function protoObject(random: Random): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  setOwn(out, random.pick(PROTO_KEYS), { polluted: true, username: "evil" });
  setOwn(out, "constructor", { prototype: { polluted: true } });
  return out;
}

/** Sets an own, enumerable data property (also for `__proto__`, which `=` would not). */
export function setOwn(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/** A deep copy through JSON (own `__proto__` keys survive; `undefined` members drop out). */
export function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** The container at `path` (dotted, numeric parts index arrays), or undefined. */
export function parentOf(
  root: unknown,
  path: string,
): { holder: Record<string, unknown>; key: string } | undefined {
  const parts = path.split(".");
  let node: unknown = root;
  for (const part of parts.slice(0, -1)) {
    if (typeof node !== "object" || node === null) return undefined;
    node = Object.hasOwn(node, part) ? (node as Record<string, unknown>)[part] : undefined;
  }
  if (typeof node !== "object" || node === null) return undefined;
  return { holder: node as Record<string, unknown>, key: parts.at(-1)! };
}

/** Whether `path` exists in `root` as an own property. */
export function has(root: unknown, path: string): boolean {
  const at = parentOf(root, path);
  return at !== undefined && Object.hasOwn(at.holder, at.key);
}

/** Sets `path` in `root` (its parent must exist). */
export function setPath(root: unknown, path: string, value: unknown): void {
  const at = parentOf(root, path);
  if (at === undefined) throw new Error(`no parent for ${path}`);
  setOwn(at.holder, at.key, value);
}

/** Deletes `path` from `root` if present. */
export function deletePath(root: unknown, path: string): void {
  const at = parentOf(root, path);
  if (at !== undefined) Reflect.deleteProperty(at.holder, at.key);
}
