import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ConfigError, env, loadConfig } from "../src/index.js";

/** Parses `raw` as the single variable `V` of a schema built from `field`. */
function parse<T extends z.ZodType>(field: T, raw: string | undefined): z.output<T> {
  const config: Record<string, unknown> = loadConfig(z.object({ V: field }), { V: raw });
  return config["V"] as z.output<T>;
}

/** The message of the one issue `raw` causes, or undefined when it parses. */
function problem(field: z.ZodType, raw: string | undefined): string | undefined {
  try {
    parse(field, raw);
    return undefined;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]?.variable).toBe("V");
    return error.issues[0]?.message;
  }
}

describe("env.string", () => {
  it("keeps the value as given", () => {
    expect(parse(env.string(), "workers")).toBe("workers");
  });

  it("is required unless defaulted", () => {
    expect(problem(env.string(), undefined)).toBe("is required");
    expect(parse(env.string().default("all"), undefined)).toBe("all");
  });
});

describe("env.int", () => {
  const timeout = env.int(0, 90);

  it("accepts integers within the bounds, the bounds included", () => {
    expect(parse(timeout, "0")).toBe(0);
    expect(parse(timeout, "42")).toBe(42);
    expect(parse(timeout, "90")).toBe(90);
    expect(parse(env.int(-10, 10), "-10")).toBe(-10);
  });

  it("rejects values outside the bounds", () => {
    expect(problem(timeout, "-1")).toBe("must be an integer between 0 and 90");
    expect(problem(timeout, "91")).toBe("must be an integer between 0 and 90");
  });

  // Beyond Number.MAX_SAFE_INTEGER zod's own int()/number() checks fire too, adding a second
  // issue with zod's default wording ("Too big: expected int…", "received Infinity").
  it.each([
    { digits: 20, raw: "9".repeat(20) },
    { digits: 400, raw: "9".repeat(400) },
  ])("rejects a $digits-digit integer with the one bounds message", ({ raw }) => {
    expect(problem(timeout, raw)).toBe("must be an integer between 0 and 90");
  });

  it.each(["1.5", "1e3", "0x10", "12abc", "ten", "+5", "5."])(
    "rejects the non-integer %j",
    (raw) => {
      expect(problem(timeout, raw)).toBe("must be an integer between 0 and 90");
    },
  );

  it("uses the default when unset", () => {
    expect(parse(env.int(1, 65_535).default(8080), undefined)).toBe(8080);
  });
});

describe("env.bool", () => {
  it.each(["true", "TRUE", "True", "1", "yes", "YES", "on", " on "])("reads %j as true", (raw) => {
    expect(parse(env.bool(), raw)).toBe(true);
  });

  it.each(["false", "FALSE", "0", "no", "No", "off", "OFF"])("reads %j as false", (raw) => {
    expect(parse(env.bool(), raw)).toBe(false);
  });

  it.each(["maybe", "2", "y", "n", "enabled", "truthy"])("rejects %j", (raw) => {
    expect(problem(env.bool(), raw)).toBe("must be true or false");
  });
});

describe("env.list", () => {
  it("splits on commas, trims items and drops empty ones", () => {
    expect(parse(env.list(), " alice , bob,,carol ,")).toEqual(["alice", "bob", "carol"]);
  });

  it("reads a single item as a one-element list", () => {
    expect(parse(env.list(), "events.>")).toEqual(["events.>"]);
  });

  it("reads a value of only separators as an empty list", () => {
    expect(parse(env.list(), ", ,")).toEqual([]);
  });

  it("uses the default when unset", () => {
    expect(parse(env.list().default(["log"]), "")).toEqual(["log"]);
  });
});

describe("env.url", () => {
  it("accepts http and https URLs by default", () => {
    expect(parse(env.url(), "http://127.0.0.1:8080/events")).toBe("http://127.0.0.1:8080/events");
    expect(parse(env.url(), "https://eventsapi.example.test/")).toBe(
      "https://eventsapi.example.test/",
    );
  });

  it("rejects other protocols and non-URLs, naming the allowed protocols", () => {
    expect(problem(env.url(), "ftp://files.example.test/")).toBe("must be a URL (http, https)");
    expect(problem(env.url(), "example.test/events")).toBe("must be a URL (http, https)");
    expect(problem(env.url(), "not a url")).toBe("must be a URL (http, https)");
  });

  it("accepts exactly the protocols it is given", () => {
    const natsUrl = env.url(["nats:", "tls:"]);
    expect(parse(natsUrl, "nats://127.0.0.1:4222")).toBe("nats://127.0.0.1:4222");
    expect(parse(natsUrl, "tls://nats.example.test:4222")).toBe("tls://nats.example.test:4222");
    expect(problem(natsUrl, "http://127.0.0.1:4222")).toBe("must be a URL (nats, tls)");
  });
});

describe("env.oneOf", () => {
  const level = env.oneOf(["debug", "info", "warn"]);

  it("accepts one of the values", () => {
    expect(parse(level, "warn")).toBe("warn");
  });

  it("rejects anything else (case-sensitively), listing the values", () => {
    expect(problem(level, "verbose")).toBe("must be one of debug, info, warn");
    expect(problem(level, "INFO")).toBe("must be one of debug, info, warn");
  });
});
