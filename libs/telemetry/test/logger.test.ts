import { Secret } from "@castbus/config";
import { LineCapture, findSecret } from "@castbus/testing";
import { describe, expect, it } from "vitest";
import { createLogger, scrubSecrets, type LoggerOptions } from "../src/index.js";

function capture(options: Partial<LoggerOptions> = {}) {
  const lines = new LineCapture();
  const logger = createLogger({ service: "ingester-test", destination: lines, ...options });
  return { logger, lines };
}

describe("createLogger output", () => {
  it("writes one JSON object per line with level label, service, msg and ISO time", () => {
    const { logger, lines } = capture();
    logger.info({ roomId: 7 }, "polled");
    logger.warn("slow upstream");
    expect(lines.lines).toHaveLength(2);
    const [first, second] = lines.json();
    expect(first).toMatchObject({
      level: "info",
      service: "ingester-test",
      msg: "polled",
      roomId: 7,
    });
    expect(second).toMatchObject({ level: "warn", msg: "slow upstream" });
    const time = String(first?.["time"]);
    expect(time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(new Date(time).toISOString()).toBe(time);
  });

  it("drops lines below the configured level", () => {
    const { logger, lines } = capture({ level: "warn" });
    logger.info("hidden");
    logger.debug("hidden too");
    logger.error("shown");
    expect(lines.json().map((line) => line["msg"])).toEqual(["shown"]);
  });

  it("defaults to info", () => {
    const { logger, lines } = capture();
    logger.debug("hidden");
    logger.info("shown");
    expect(lines.json().map((line) => line["msg"])).toEqual(["shown"]);
  });

  it("writes nothing at level silent", () => {
    const { logger, lines } = capture({ level: "silent" });
    logger.fatal("hidden");
    expect(lines.lines).toEqual([]);
  });

  it("keeps the service name on a child logger's lines, next to its bindings", () => {
    const { logger, lines } = capture();
    logger.child({ component: "poller" }).info("tick");
    expect(lines.json()[0]).toMatchObject({
      service: "ingester-test",
      component: "poller",
      msg: "tick",
    });
  });

  it("serializes an error under err with type, message and stack", () => {
    const { logger, lines } = capture();
    logger.error({ err: new TypeError("bad payload") }, "mapping failed");
    expect(lines.json()[0]?.["err"]).toMatchObject({
      type: "TypeError",
      message: "bad payload",
      stack: expect.stringContaining("TypeError: bad payload") as unknown,
    });
  });
});

describe("createLogger keeps secrets out", () => {
  it("prints a Secret as <redacted> wherever it sits in the object", () => {
    const { logger, lines } = capture();
    // Shorter than the scrub's 4-character floor: only Secret's own toJSON can hide it.
    const secret = new Secret("q7#");
    logger.info(
      { credential: secret, deep: { account: { auth: secret } }, list: [secret] },
      "config",
    );
    const line = lines.json()[0];
    expect(line?.["credential"]).toBe("<redacted>");
    expect(line?.["deep"]).toEqual({ account: { auth: "<redacted>" } });
    expect(line?.["list"]).toEqual(["<redacted>"]);
    expect(lines.lines[0]).not.toContain("q7#");
  });

  it("prints a Secret as <redacted> when interpolated into the message", () => {
    const { logger, lines } = capture();
    const secret = new Secret("q8%");
    logger.info("token is %s", secret);
    logger.info("token is %o", secret);
    logger.info("token is %j", { secret });
    expect(lines.json().map((line) => line["msg"])).toEqual([
      "token is <redacted>",
      'token is "<redacted>"',
      'token is {"secret":"<redacted>"}',
    ]);
  });

  it.each([
    { path: "token", fields: { token: "plain-1" } },
    { path: "password", fields: { password: "plain-2" } },
    { path: "apiKey", fields: { apiKey: "plain-3" } },
    { path: "secret", fields: { secret: "plain-4" } },
    { path: "clientSecret", fields: { clientSecret: "plain-5" } },
    { path: "accessToken", fields: { accessToken: "plain-6" } },
    { path: "refreshToken", fields: { refreshToken: "plain-7" } },
    { path: "authorization", fields: { authorization: "plain-8" } },
    { path: "headers.authorization", fields: { headers: { authorization: "plain-9" } } },
    { path: 'headers["x-api-key"]', fields: { headers: { "x-api-key": "plain-10" } } },
    { path: "account.token", fields: { account: { token: "plain-11" } } },
    {
      path: "req.headers.authorization",
      fields: { req: { headers: { authorization: "plain-12" } } },
    },
  ])("censors a plain string at $path", ({ fields }) => {
    const { logger, lines } = capture();
    logger.info(fields, "request");
    expect(lines.lines[0]).not.toMatch(/plain-\d+/);
    expect(lines.lines[0]).toContain("<redacted>");
  });

  it("leaves unrelated fields next to a censored one intact", () => {
    const { logger, lines } = capture();
    logger.info({ headers: { authorization: "Bearer x", accept: "application/json" } }, "req");
    expect(lines.json()[0]?.["headers"]).toEqual({
      authorization: "<redacted>",
      accept: "application/json",
    });
  });
});

describe("scrubbing known secret values", () => {
  // Created first: scrubSecrets only knows values of Secrets that exist.
  const token = new Secret("Zt0k3n/with+chars&more=1");

  it("scrubs a secret embedded in a URL string", () => {
    const { logger, lines } = capture();
    logger.info({ url: `https://events.example.test/events/alice/${token.reveal()}/` }, "poll");
    expect(findSecret(lines.lines, token.reveal())).toEqual([]);
    expect(lines.json()[0]?.["url"]).toBe("https://events.example.test/events/alice/<redacted>/");
  });

  it("scrubs the URL-encoded form of a secret", () => {
    const { logger, lines } = capture();
    const encoded = encodeURIComponent(token.reveal());
    expect(encoded).not.toBe(token.reveal());
    logger.info({ url: `https://example.test/poll?token=${encoded}` }, "poll");
    expect(lines.lines[0]).not.toContain(encoded);
    expect(lines.json()[0]?.["url"]).toBe("https://example.test/poll?token=<redacted>");
  });

  it("scrubs a secret from an error's message and stack", () => {
    const { logger, lines } = capture();
    const err = new Error(`upstream rejected ${token.reveal()}`);
    logger.error({ err }, "poll failed");
    expect(findSecret(lines.lines, token.reveal())).toEqual([]);
    const logged = lines.json()[0]?.["err"] as { message: string; stack: string };
    expect(logged.message).toBe("upstream rejected <redacted>");
    expect(logged.stack).toContain("upstream rejected <redacted>");
  });

  it("scrubs a secret from the message text and from a child logger's lines", () => {
    const { logger, lines } = capture();
    logger.child({ component: "auth" }).warn(`retrying with ${token.reveal()}`);
    expect(lines.json()[0]?.["msg"]).toBe("retrying with <redacted>");
  });

  it("scrubs a secret at a depth the path rules do not reach", () => {
    const { logger, lines } = capture();
    logger.info({ a: { b: { c: { note: `key=${token.reveal()}` } } } }, "deep");
    expect(findSecret(lines.lines, token.reveal())).toEqual([]);
  });

  it("scrubs a secret whose characters JSON has to escape", () => {
    const quoted = new Secret('pa"ss\\word-42');
    const { logger, lines } = capture();
    logger.info({ note: `value ${quoted.reveal()} here` }, "escaped");
    expect(lines.json()[0]?.["note"]).toBe("value <redacted> here");
  });

  it("scrubSecrets replaces every occurrence and leaves other text alone", () => {
    const value = token.reveal();
    expect(scrubSecrets(`a ${value} b ${value}`)).toBe("a <redacted> b <redacted>");
    expect(scrubSecrets("nothing to hide here")).toBe("nothing to hide here");
  });

  it("scrubs a longer secret whole even when a shorter known secret is part of it", () => {
    const short = new Secret("overlap-pw");
    const long = new Secret("overlap-pw-and-the-rest-of-a-long-token");
    expect(scrubSecrets(`a ${long.reveal()} b`)).toBe("a <redacted> b");
    expect(scrubSecrets(`c ${short.reveal()} d`)).toBe("c <redacted> d");
  });
});
