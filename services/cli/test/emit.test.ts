import { EVENTS_STREAM, validateEvent } from "@castbus/events";
import { readStream } from "@castbus/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lines, startStack, type Stack } from "./harness.js";

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

describe("castbus emit", () => {
  it("publishes a valid custom event from cli/<user>, with the envelope id as Nats-Msg-Id", async () => {
    const result = await stack.cli(["emit", "custom.alert", '{"text":"hello"}', "--id", "a-1"]);
    expect(result).toEqual({
      code: 0,
      stdout: "published custom.alert as custom:cli/tester:a-1 (EVENTS seq 1)\n",
      stderr: "",
    });
    const [stored] = await readStream(stack.nc, EVENTS_STREAM, "events.custom.alert");
    expect(stored!.headers["Nats-Msg-Id"]).toBe("custom:cli/tester:a-1");
    const checked = validateEvent(stored!.json());
    expect(checked.ok).toBe(true);
    expect(stored!.json()).toMatchObject({
      id: "custom:cli/tester:a-1",
      source: "cli/tester",
      type: "custom.alert",
      data: { text: "hello" },
    });
  });

  it("the same --id again is deduplicated (JSON says duplicate: true)", async () => {
    const result = await stack.cli([
      "emit",
      "custom.alert",
      '{"text":"again"}',
      "--id",
      "a-1",
      "--json",
    ]);
    expect(JSON.parse(result.stdout)).toEqual({
      id: "custom:cli/tester:a-1",
      type: "custom.alert",
      subject: "events.custom.alert",
      source: "cli/tester",
      seq: 1,
      duplicate: true,
    });
    expect(await readStream(stack.nc, EVENTS_STREAM, "events.custom.alert")).toHaveLength(1);
  });

  it("reads the data from stdin with -, and keeps --time", async () => {
    const result = await stack.cli(
      ["emit", "custom.bot.reply", "-", "--time", "2025-01-02T03:04:05Z", "--json"],
      {
        input: '{"to":"bob"}\n',
      },
    );
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(doc.id).toMatch(/^custom:cli\/tester:[0-9a-f-]{36}$/);
    const [stored] = await readStream(stack.nc, EVENTS_STREAM, "events.custom.bot.reply");
    expect(stored!.json()).toMatchObject({ time: "2025-01-02T03:04:05.000Z", data: { to: "bob" } });
  });

  it("validates like the gateway: bad type, data not an object, bad id or time → one line, usage, exit 2", async () => {
    const cases: [string[], string][] = [
      [
        ["emit", "chaturbate.tip", "{}"],
        "castbus emit: type must be custom.<name> with lowercase NATS-safe tokens ([a-z0-9_-], dot-separated), at most 255 characters, not 'chaturbate.tip'",
      ],
      [
        ["emit", "custom.Alert", "{}"],
        "castbus emit: type must be custom.<name> with lowercase NATS-safe tokens ([a-z0-9_-], dot-separated), at most 255 characters, not 'custom.Alert'",
      ],
      [
        ["emit", "custom.a", "[1,2]"],
        `castbus emit: <json> must be a JSON object, e.g. '{"text":"hello"}'`,
      ],
      [["emit", "custom.a", "{"], "castbus emit: <json> is not valid JSON: "],
      [
        ["emit", "custom.a", "{}", "--id", "has space"],
        "castbus emit: --id must be 1-128 of A-Z a-z 0-9 . _ : -",
      ],
      [
        ["emit", "custom.a", "{}", "--time", "now"],
        "castbus emit: --time must be an RFC 3339 time with an offset, not 'now'",
      ],
      [["emit", "custom.a"], "castbus emit: missing <type> and <json>"],
    ];
    for (const [argv, message] of cases) {
      const result = await stack.cli(argv);
      expect(result.code, argv.join(" ")).toBe(2);
      expect(lines(result.stderr)[0]!.startsWith(message), lines(result.stderr)[0]).toBe(true);
      expect(lines(result.stderr)[1]).toBe(
        "usage: castbus emit <type> <json | -> [--id ID] [--time TIME] [--json]",
      );
    }
  });
});
