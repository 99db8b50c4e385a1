import { EVENTS_STREAM } from "@castbus/events";
import { listConsumers } from "@castbus/nats";
import { waitFor } from "@castbus/testing";
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, lines, startStack, type Stack } from "./harness.js";

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
  for (let n = 1; n <= 3; n++) await stack.tip(n, n === 2 ? "great show" : "");
  await stack.publisher.publish({
    subject: "events.custom.raw",
    data: Buffer.from("not json"),
    msgId: "raw-1",
  });
});
afterAll(async () => {
  await stack?.stop();
});

describe("castbus tail", () => {
  it("--since shows past events one readable line each: time, type, user, amount, text", async () => {
    const result = await stack.cli(["tail", "--since", "10m", "--no-follow"]);
    expect(result.code).toBe(0);
    const out = lines(result.stdout);
    expect(out).toHaveLength(4);
    expect(out[0]).toMatch(
      /^\d\d:\d\d:\d\d\.\d{3}\s+chaturbate\.tip\s+viewer1 · 1 tokens\s+chaturbate\/alice$/,
    );
    expect(out[1]).toMatch(/chaturbate\.tip\s+viewer2 · 2 tokens · great show/);
    expect(out[3]).toMatch(/events\.custom\.raw\s+\(not a castbus event: 8 bytes\)$/);
    expect(result.stderr).toBe("");
  });

  it("filters by type pattern, starts at a sequence and prints JSON lines with --json", async () => {
    const result = await stack.cli([
      "tail",
      "chaturbate.>",
      "--from-seq",
      "2",
      "--no-follow",
      "--json",
    ]);
    const events = lines(result.stdout).map((line) => JSON.parse(line));
    expect(events.map((e) => e.seq)).toEqual([2, 3]);
    expect(events[0]).toMatchObject({
      subject: "events.chaturbate.tip",
      event: { id: "tip-2", type: "chaturbate.tip", data: { tokens: 2 } },
    });
    const none = await stack.cli(["tail", "twitch.>", "--since", "1h", "--no-follow"]);
    expect(none).toEqual({ code: 0, stdout: "", stderr: "" });
  });

  it("follows live events until the signal (Ctrl-C) and leaves no consumer behind", async () => {
    const stop = new AbortController();
    let seen = "";
    const running = stack.cli(["tail", "chaturbate.*"], {
      signal: stop.signal,
      onStdout: (text) => (seen = text),
    });
    await waitFor(async () => (await listConsumers(stack.nc, EVENTS_STREAM)).length === 1);
    await stack.tip(41, "live one");
    await stack.tip(42);
    await waitFor(() => lines(seen).length === 2);
    stop.abort();
    const result = await running;
    expect(result.code).toBe(0);
    expect(lines(result.stdout)).toEqual([
      expect.stringMatching(/viewer41 · 41 tokens · live one/),
      expect.stringMatching(/viewer42 · 42 tokens/),
    ]);
    await waitFor(async () => (await listConsumers(stack.nc, EVENTS_STREAM)).length === 0);
  });

  it("--limit stops after N events; past and live modes refuse contradictory options", async () => {
    const limited = await stack.cli(["tail", "--since", "1h", "--limit", "2"]);
    expect(lines(limited.stdout)).toHaveLength(2);
    const both = await stack.cli(["tail", "--since", "1h", "--from-seq", "3"]);
    expect(both.code).toBe(2);
    expect(lines(both.stderr)[0]).toBe("castbus tail: give either --since or --from-seq, not both");
    const bad = await stack.cli(["tail", "--since", "yesterday"]);
    expect(lines(bad.stderr)[0]).toBe(
      "castbus tail: --since must be a duration (10m, 2h, 1d) or an RFC 3339 time, not 'yesterday'",
    );
    const pattern = await stack.cli(["tail", "chat message"]);
    expect(pattern.code).toBe(2);
  });

  it("as a process: prints past events with --since, then exits 0 on SIGTERM", async () => {
    const child = spawn(process.execPath, [BIN, "tail", "--since", "1h"], {
      env: { PATH: process.env["PATH"] ?? "", NATS_URL: stack.server.url },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) =>
      child.once("exit", (code) => resolve(code)),
    );
    await waitFor(() => lines(stdout).length >= 4, { timeoutMs: 15_000, message: "tail printed" });
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(stdout).toContain("viewer2 · 2 tokens · great show");
  });
});
