import { freePort, startNatsServer, type NatsServerHandle } from "@castbus/testing";
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, lines, runCli } from "./harness.js";

/** Every command and subcommand, as typed. */
const COMMANDS = [
  ["tail"],
  ["stats"],
  ["dlq", "list"],
  ["dlq", "show"],
  ["dlq", "redrive"],
  ["dlq", "purge"],
  ["checkpoint", "list"],
  ["checkpoint", "show"],
  ["checkpoint", "reset"],
  ["emit"],
  ["replay"],
];

// A server without castbus' streams: commands must say so in one line.
let bare: NatsServerHandle;
beforeAll(async () => {
  bare = await startNatsServer();
});
afterAll(async () => {
  await bare?.dispose();
});

describe("castbus --help and usage", () => {
  it("castbus --help lists every command and the connection settings", async () => {
    const result = await runCli(["--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^usage: castbus <command> \[options\]/);
    for (const line of [
      "tail [pattern]",
      "stats",
      "dlq list|show|redrive|purge",
      "checkpoint list|show|reset",
      "emit <type> <json | ->",
      "replay --group NAME --since TIME",
    ]) {
      expect(result.stdout).toContain(`  ${line}`);
    }
    expect(result.stdout).toContain("NATS_CREDS_FILE");
  });

  it.each(COMMANDS)(
    "castbus %s %s --help prints usage, options and the common options",
    async (...argv) => {
      const result = await runCli([...argv.filter((a) => a !== undefined), "--help"]);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(
        new RegExp(`^usage: castbus ${argv.filter(Boolean).join(" ")}`),
      );
      expect(result.stdout).toContain("--server URL");
      expect(result.stdout).toContain("--json");
      expect(result.stderr).toBe("");
    },
  );

  it("castbus dlq --help and castbus checkpoint --help list their subcommands", async () => {
    const dlq = await runCli(["dlq", "--help"]);
    expect(dlq.stdout).toMatch(/^usage: castbus dlq list\|show\|redrive\|purge/);
    expect(dlq.stdout).toContain("castbus dlq redrive");
    expect((await runCli(["help", "checkpoint"])).stdout).toContain("castbus checkpoint reset");
  });

  it.each(COMMANDS)(
    "castbus %s %s with an unknown option: one-line error, usage, exit 2",
    async (...argv) => {
      const name = argv.filter(Boolean).join(" ");
      const result = await runCli([...argv.filter(Boolean), "--frobnicate"]);
      expect(result.code).toBe(2);
      const [first, second] = lines(result.stderr);
      expect(first).toBe(`castbus ${name}: unknown option --frobnicate`);
      expect(second).toMatch(new RegExp(`^usage: castbus ${name}`));
      expect(result.stdout).toBe("");
    },
  );

  it("unknown commands, missing subcommands, stray arguments and missing values exit 2", async () => {
    const unknown = await runCli(["frob"]);
    expect([unknown.code, lines(unknown.stderr)[0]]).toEqual([
      2,
      "castbus: unknown command 'frob'",
    ]);
    const sub = await runCli(["dlq", "requeue"]);
    expect([sub.code, lines(sub.stderr)[0]]).toEqual([2, "castbus dlq: unknown command 'requeue'"]);
    const none = await runCli([]);
    expect(none.code).toBe(2);
    const stray = await runCli(["stats", "extra"]);
    expect([stray.code, lines(stray.stderr)[0]]).toEqual([
      2,
      "castbus stats: unexpected argument 'extra'",
    ]);
    const value = await runCli(["tail", "--since"]);
    expect([value.code, lines(value.stderr)[0]]).toEqual([
      2,
      "castbus tail: option --since needs a value",
    ]);
    const seq = await runCli(["dlq", "show", "12-14"]);
    expect([seq.code, lines(seq.stderr)[0]]).toEqual([
      2,
      "castbus dlq show: <seq> must be one stream sequence, not '12-14'",
    ]);
  });
});

describe("castbus runtime failures", () => {
  it("a missing stream is one clear line and exit 1", async () => {
    const env = { NATS_URL: bare.url };
    for (const argv of [
      ["stats"],
      ["tail", "--since", "1h"],
      ["dlq", "list"],
      ["checkpoint", "list"],
      ["emit", "custom.a", "{}"],
    ]) {
      const result = await runCli(argv, { env });
      expect(result.code, argv.join(" ")).toBe(1);
      expect(lines(result.stderr), argv.join(" ")).toEqual([
        expect.stringMatching(
          /^castbus [a-z ]+: (stream EVENTS|stream DEAD_LETTERS|KV bucket CHECKPOINTS) does not exist on this NATS server/,
        ),
      ]);
    }
  });

  it("invalid NATS settings from the environment are one line, exit 1", async () => {
    const result = await runCli(["stats"], { env: { NATS_USER: "u" } });
    expect(result).toMatchObject({
      code: 1,
      stderr:
        "castbus stats: invalid NATS settings: NATS_PASSWORD: NATS_USER and NATS_PASSWORD go together\n",
    });
  });

  it("global options may come before the command", async () => {
    const result = await runCli(["--server", bare.url, "--json", "checkpoint", "list"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("KV bucket CHECKPOINTS does not exist");
  });
});

describe("the castbus bin", () => {
  it("runs as a process: --help exits 0", () => {
    const result = spawnSync(process.execPath, [BIN, "--help"], { encoding: "utf8" });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^usage: castbus <command>/);
  });

  it("fails fast with one line and exit 1 when NATS is unreachable", async () => {
    const port = await freePort();
    const started = Date.now();
    const result = spawnSync(
      process.execPath,
      [BIN, "stats", "--server", `nats://127.0.0.1:${port}`],
      {
        encoding: "utf8",
        env: { PATH: process.env["PATH"] ?? "" },
      },
    );
    expect(result.status).toBe(1);
    expect(lines(result.stderr)).toEqual([
      expect.stringMatching(
        new RegExp(`^castbus stats: cannot connect to NATS at nats://127\\.0\\.0\\.1:${port}: `),
      ),
    ]);
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
