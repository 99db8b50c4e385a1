import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ConfigError, Secret, env, isSecret, loadConfig } from "../src/index.js";

const TOKEN = "cb-token-4f9a2c7e1d8b";

const schema = z.object({
  CB_TOKEN: env.secret(),
  CB_TIMEOUT_S: env.int(0, 90).default(10),
});

function loadToken(token = TOKEN): Secret {
  return loadConfig(schema, { CB_TOKEN: token }).CB_TOKEN;
}

describe("env.secret", () => {
  it("parses the value into a Secret whose reveal() returns it", () => {
    const token = loadToken();
    expect(isSecret(token)).toBe(true);
    expect(token).toBeInstanceOf(Secret);
    expect(token.reveal()).toBe(TOKEN);
  });

  it("is required, and a blank value counts as missing", () => {
    for (const raw of [undefined, "", "   "]) {
      try {
        loadConfig(schema, { CB_TOKEN: raw });
        expect.unreachable("a missing secret must fail");
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        expect((error as ConfigError).issues).toEqual([
          { variable: "CB_TOKEN", message: "is required" },
        ]);
      }
    }
  });

  it("registers the value in Secret.knownValues()", () => {
    const value = "known-value-71c3e0";
    loadToken(value);
    expect(Secret.knownValues()).toContain(value);
  });

  it("never echoes the secret when a different variable fails", () => {
    try {
      loadConfig(schema, { CB_TOKEN: TOKEN, CB_TIMEOUT_S: "forever" });
      expect.unreachable("CB_TIMEOUT_S must fail");
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const configError = error as ConfigError;
      expect(configError.issues.map((issue) => issue.variable)).toEqual(["CB_TIMEOUT_S"]);
      expect(configError.message).not.toContain(TOKEN);
      expect(String(configError)).not.toContain(TOKEN);
      expect(inspect(configError, { depth: 10 })).not.toContain(TOKEN);
      expect(JSON.stringify(configError.issues)).not.toContain(TOKEN);
    }
  });

  it("prints <redacted> when a cross-field check interpolates it", () => {
    try {
      loadConfig(
        schema,
        { CB_TOKEN: TOKEN },
        { checks: [(c) => [{ variable: "CB_TOKEN", message: `rejected ${c.CB_TOKEN}` }]] },
      );
      expect.unreachable("the check must fail");
    } catch (error) {
      expect((error as ConfigError).message).toContain("CB_TOKEN: rejected <redacted>");
      expect((error as ConfigError).message).not.toContain(TOKEN);
    }
  });
});

describe("Secret", () => {
  const secret = new Secret("s3cr3t-password-value");

  it("prints <redacted> through String() and template literals", () => {
    expect(String(secret)).toBe("<redacted>");
    expect(`${secret}`).toBe("<redacted>");
    expect("password=" + secret).toBe("password=<redacted>");
  });

  it("prints <redacted> through JSON.stringify, also nested in objects and arrays", () => {
    expect(JSON.stringify(secret)).toBe('"<redacted>"');
    const nested = JSON.stringify({ account: { name: "alice", token: secret }, list: [secret] });
    expect(nested).toBe('{"account":{"name":"alice","token":"<redacted>"},"list":["<redacted>"]}');
  });

  it("prints <redacted> through util.inspect, also nested", () => {
    expect(inspect(secret)).toBe("<redacted>");
    const text = inspect({ account: { token: secret } }, { depth: 10 });
    expect(text).toContain("<redacted>");
    expect(text).not.toContain("s3cr3t-password-value");
  });

  it("does not expose the value as an enumerable property", () => {
    expect(Object.keys(secret)).toEqual([]);
    expect(Object.values(secret)).not.toContain("s3cr3t-password-value");
    expect({ ...secret }).toEqual({});
  });

  it("still reveals its value from inside a deeply frozen config", () => {
    const config = loadConfig(schema, { CB_TOKEN: TOKEN });
    expect(Object.isFrozen(config)).toBe(true);
    expect(config.CB_TOKEN.reveal()).toBe(TOKEN);
  });

  it("leaves values shorter than 4 characters out of knownValues()", () => {
    new Secret("abc");
    new Secret("abcd-long-enough");
    expect(Secret.knownValues()).not.toContain("abc");
    expect(Secret.knownValues()).toContain("abcd-long-enough");
  });

  it("is told apart from look-alike objects by isSecret", () => {
    expect(isSecret(secret)).toBe(true);
    expect(isSecret({ reveal: () => "x" })).toBe(false);
    expect(isSecret("s3cr3t-password-value")).toBe(false);
    expect(isSecret(undefined)).toBe(false);
  });
});
