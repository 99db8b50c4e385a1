import { z } from "zod";
import { ConfigError, type ConfigIssue } from "./errors.js";
import { Secret } from "./secret.js";

/** Environment to read from: `process.env` in services, a plain object in tests. */
export type Env = Readonly<Record<string, string | undefined>>;

/**
 * The schema of a service's configuration: an object whose keys are environment variable
 * names. Use the field builders ({@link env}) so blank values count as unset and numbers,
 * booleans, lists and secrets are parsed the same way in every service.
 */
export type EnvSchema = z.ZodObject<z.ZodRawShape>;

/** Options of {@link loadConfig}. */
export interface LoadConfigOptions<T> {
  /** Cross-field rules, run when every field parsed; each returns its problems. */
  checks?: readonly ((config: T) => readonly ConfigIssue[])[];
}

/**
 * Validates `source` against `schema` once, reporting every problem together, and returns a
 * deeply frozen result. Throws {@link ConfigError}.
 */
export function loadConfig<S extends EnvSchema>(
  schema: S,
  source: Env = process.env,
  options: LoadConfigOptions<z.output<S>> = {},
): z.output<S> {
  const input: Record<string, string | undefined> = {};
  for (const key of Object.keys(schema.shape)) {
    const raw = source[key];
    input[key] = raw === undefined || raw.trim() === "" ? undefined : raw;
  }
  const result = schema.safeParse(input);
  const checks = options.checks ?? [];
  if (!result.success) {
    // Report the cross-field problems too, judged on the fields that did parse.
    const issues = toIssues(result.error);
    const reported = new Set(issues.map((issue) => issue.variable));
    const extra = runChecks(checks, parseFieldByField(schema, input)).filter(
      (i) => !reported.has(i.variable),
    );
    throw new ConfigError([...issues, ...extra]);
  }
  const issues = runChecks(checks, result.data);
  if (issues.length > 0) throw new ConfigError(issues);
  return deepFreeze(result.data);
}

/** The fields that parse on their own (to judge cross-field rules when others failed). */
function parseFieldByField(
  schema: EnvSchema,
  input: Record<string, string | undefined>,
): Record<string, unknown> {
  const partial: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(schema.shape)) {
    const parsed = (field as z.ZodType).safeParse(input[key]);
    if (parsed.success) partial[key] = parsed.data;
  }
  return partial;
}

function runChecks<T>(
  checks: readonly ((config: T) => readonly ConfigIssue[])[],
  config: unknown,
): ConfigIssue[] {
  return checks.flatMap((check) => {
    try {
      return [...check(config as T)];
    } catch {
      return []; // a rule that needs a field that failed: that field's own problem is reported
    }
  });
}

function toIssues(error: z.ZodError): ConfigIssue[] {
  return error.issues.map((issue) => ({
    variable: issue.path.length > 0 ? issue.path.map(String).join(".") : "(config)",
    message: issue.message,
  }));
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !(value instanceof Secret)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** Field builders for {@link EnvSchema}s. Messages name the expectation, never the value. */
export const env = {
  /** A required or defaulted string. */
  string: () => z.string({ error: "is required" }),
  /** A URL with one of the given protocols. */
  url: (protocols: readonly string[] = ["http:", "https:"]) =>
    z.string({ error: "is required" }).refine(
      (value) => {
        try {
          return protocols.includes(new URL(value).protocol);
        } catch {
          return false;
        }
      },
      { error: `must be a URL (${protocols.map((p) => p.replace(":", "")).join(", ")})` },
    ),
  /** An integer within [min, max]. */
  int: (min: number, max: number) =>
    z.string({ error: "is required" }).transform((value, ctx) => {
      const text = value.trim();
      const n = Number(text);
      if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: "custom", message: `must be an integer between ${min} and ${max}` });
        return z.NEVER;
      }
      return n;
    }),
  /** `true`/`false` (also `1`/`0`, `yes`/`no`). */
  bool: () =>
    z.string({ error: "is required" }).transform((value, ctx) => {
      const normalized = value.trim().toLowerCase();
      if (["true", "1", "yes", "on"].includes(normalized)) return true;
      if (["false", "0", "no", "off"].includes(normalized)) return false;
      ctx.addIssue({ code: "custom", message: "must be true or false" });
      return z.NEVER;
    }),
  /** A comma-separated list of non-empty items. */
  list: () =>
    z.string({ error: "is required" }).transform((value) =>
      value
        .split(",")
        .map((item) => item.trim())
        .filter((item) => item.length > 0),
    ),
  /** A secret: parsed into a {@link Secret} so it cannot be logged by accident. */
  secret: () =>
    z
      .string({ error: "is required" })
      .min(1, { error: "is required" })
      .transform((value) => new Secret(value)),
  /** One of the given values. */
  oneOf: <const T extends readonly [string, ...string[]]>(values: T) =>
    z.preprocess(
      (value) => (typeof value === "string" ? value.trim() : value),
      z.enum(values, { error: `must be one of ${values.join(", ")}` }),
    ),
};
