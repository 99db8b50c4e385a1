import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ConfigError, env, loadConfig, type ConfigIssue, type Env } from "../src/index.js";

/** Runs `load` and returns the ConfigError it throws; fails the test when it does not throw one. */
function configErrorOf(load: () => unknown): ConfigError {
  try {
    load();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

const serviceSchema = z.object({
  CB_BASE_URL: env.url(),
  CB_TIMEOUT_S: env.int(0, 90).default(10),
  CB_VERBOSE: env.bool().default(false),
  CB_ACCOUNTS: env.list(),
  LOG_LEVEL: env.oneOf(["debug", "info", "warn"]).default("info"),
});

const validEnv: Env = {
  CB_BASE_URL: "https://events.example.test/events",
  CB_ACCOUNTS: "alice,bob",
};

describe("loadConfig", () => {
  it("parses a valid environment and fills in defaults", () => {
    expect(loadConfig(serviceSchema, validEnv)).toEqual({
      CB_BASE_URL: "https://events.example.test/events",
      CB_TIMEOUT_S: 10,
      CB_VERBOSE: false,
      CB_ACCOUNTS: ["alice", "bob"],
      LOG_LEVEL: "info",
    });
  });

  it("reports every bad variable in one ConfigError, each issue naming its variable", () => {
    const error = configErrorOf(() =>
      loadConfig(serviceSchema, {
        CB_BASE_URL: "not a url",
        CB_TIMEOUT_S: "ninety",
        CB_VERBOSE: "perhaps",
        LOG_LEVEL: "chatty",
      }),
    );
    expect(error.issues.map((issue) => issue.variable).sort()).toEqual([
      "CB_ACCOUNTS",
      "CB_BASE_URL",
      "CB_TIMEOUT_S",
      "CB_VERBOSE",
      "LOG_LEVEL",
    ]);
    expect(error.message).toMatch(/^invalid configuration \(5 problems\):\n/);
    for (const issue of error.issues) {
      expect(error.message).toContain(`  - ${issue.variable}: ${issue.message}`);
    }
  });

  it("says '1 problem' in the singular", () => {
    const error = configErrorOf(() =>
      loadConfig(serviceSchema, { ...validEnv, CB_TIMEOUT_S: "91" }),
    );
    expect(error.message).toBe(
      "invalid configuration (1 problem):\n  - CB_TIMEOUT_S: must be an integer between 0 and 90",
    );
  });

  it("names the expectation in messages, never the offending value", () => {
    const error = configErrorOf(() =>
      loadConfig(serviceSchema, {
        ...validEnv,
        CB_TIMEOUT_S: "value-one-1234",
        LOG_LEVEL: "value-two-5678",
      }),
    );
    expect(error.message).not.toContain("value-one-1234");
    expect(error.message).not.toContain("value-two-5678");
  });

  it("throws a non-retryable ConfigError that is an Error", () => {
    const error = configErrorOf(() => loadConfig(serviceSchema, {}));
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("ConfigError");
    expect(error.retryable).toBe(false);
  });

  it("treats empty and whitespace-only values as unset, so defaults apply", () => {
    const config = loadConfig(serviceSchema, {
      ...validEnv,
      CB_TIMEOUT_S: "",
      CB_VERBOSE: "   ",
      LOG_LEVEL: "\t",
    });
    expect(config.CB_TIMEOUT_S).toBe(10);
    expect(config.CB_VERBOSE).toBe(false);
    expect(config.LOG_LEVEL).toBe("info");
  });

  it("reports a blank required variable as missing", () => {
    const error = configErrorOf(() => loadConfig(serviceSchema, { ...validEnv, CB_BASE_URL: " " }));
    expect(error.issues).toEqual([{ variable: "CB_BASE_URL", message: "is required" }]);
  });

  it("ignores variables the schema does not declare", () => {
    const config = loadConfig(serviceSchema, { ...validEnv, UNRELATED: "x" });
    expect(Object.keys(config)).not.toContain("UNRELATED");
  });

  it("returns a deeply frozen result", () => {
    const config = loadConfig(serviceSchema, validEnv);
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.CB_ACCOUNTS)).toBe(true);
    expect(() => {
      (config as { CB_TIMEOUT_S: number }).CB_TIMEOUT_S = 1;
    }).toThrow(TypeError);
    expect(() => (config.CB_ACCOUNTS as string[]).push("mallory")).toThrow(TypeError);
  });
});

describe("loadConfig checks", () => {
  const rangeSchema = z.object({
    MIN_MS: env.int(0, 10_000),
    MAX_MS: env.int(0, 10_000),
  });
  const minBelowMax = (config: z.output<typeof rangeSchema>): ConfigIssue[] =>
    config.MIN_MS <= config.MAX_MS ? [] : [{ variable: "MIN_MS", message: "must be <= MAX_MS" }];
  const alwaysComplains = (): ConfigIssue[] => [{ variable: "MAX_MS", message: "second rule" }];

  it("adds cross-field issues once every field parsed", () => {
    const error = configErrorOf(() =>
      loadConfig(
        rangeSchema,
        { MIN_MS: "500", MAX_MS: "100" },
        { checks: [minBelowMax, alwaysComplains] },
      ),
    );
    expect(error.issues).toEqual([
      { variable: "MIN_MS", message: "must be <= MAX_MS" },
      { variable: "MAX_MS", message: "second rule" },
    ]);
  });

  it("passes the parsed (typed) values to checks and returns them when no check complains", () => {
    const seen: unknown[] = [];
    const config = loadConfig(
      rangeSchema,
      { MIN_MS: "100", MAX_MS: "500" },
      {
        checks: [
          (c) => {
            seen.push(c);
            return minBelowMax(c);
          },
        ],
      },
    );
    expect(seen).toEqual([{ MIN_MS: 100, MAX_MS: 500 }]);
    expect(config).toEqual({ MIN_MS: 100, MAX_MS: 500 });
  });

  it("still reports cross-field problems when a field is invalid, judged on the fields that parsed", () => {
    const seen: unknown[] = [];
    const error = configErrorOf(() =>
      loadConfig(
        rangeSchema,
        { MIN_MS: "500", MAX_MS: "lots" },
        {
          checks: [
            (config) => {
              seen.push(config);
              return [{ variable: "MIN_MS", message: "cross-field" }];
            },
            // A rule about a field that failed is not repeated for it.
            () => [{ variable: "MAX_MS", message: "duplicate" }],
            // A rule that cannot be judged on partial config is skipped, not a crash.
            (config) => {
              if (config.MAX_MS === undefined) throw new TypeError("needs MAX_MS");
              return [];
            },
          ],
        },
      ),
    );
    expect(seen).toEqual([{ MIN_MS: 500 }]);
    expect(error.issues).toEqual([
      { variable: "MAX_MS", message: "must be an integer between 0 and 10000" },
      { variable: "MIN_MS", message: "cross-field" },
    ]);
  });
});
