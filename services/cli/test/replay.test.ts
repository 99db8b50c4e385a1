import { EVENTS_STREAM } from "@castbus/events";
import { consumerState } from "@castbus/nats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lines, startStack, type Stack } from "./harness.js";

let stack: Stack;
let middle: string;
beforeAll(async () => {
  stack = await startStack();
  await stack.tip(1);
  await stack.tip(2);
  await new Promise((r) => setTimeout(r, 50));
  middle = new Date().toISOString();
  await new Promise((r) => setTimeout(r, 20));
  await stack.tip(3);
  await stack.tip(4);
  await stack.tip(5);
});
afterAll(async () => {
  await stack?.stop();
});

describe("castbus replay", () => {
  it("creates a new durable worker group that starts at the given time", async () => {
    const result = await stack.cli(["replay", "--group", "backfill", "--since", middle]);
    expect(result.code).toBe(0);
    expect(lines(result.stdout)).toEqual([
      expect.stringMatching(
        /^created worker group backfill on EVENTS from \S+ \S+: 3 events to deliver \(events\.>\)$/,
      ),
      "start workers with WORKER_GROUP=backfill WORKER_SUBJECTS=events.>",
    ]);
    const state = await consumerState(stack.nc, EVENTS_STREAM, "backfill");
    expect(state).toMatchObject({ durable: true, pending: 3, filterSubjects: ["events.>"] });
  });

  it("takes a duration and a subject, and prints JSON", async () => {
    const result = await stack.cli([
      "replay",
      "--group",
      "tips",
      "--since",
      "1h",
      "--subject",
      "chaturbate.tip",
      "--json",
    ]);
    expect(JSON.parse(result.stdout)).toMatchObject({
      group: "tips",
      stream: "EVENTS",
      subjects: ["events.chaturbate.tip"],
      pending: 5,
    });
  });

  it("refuses a group that already exists, leaving it untouched", async () => {
    const result = await stack.cli(["replay", "--group", "backfill", "--since", "1d"]);
    expect(result).toEqual({
      code: 1,
      stdout: "",
      stderr: "castbus replay: worker group backfill already exists (3 pending); pick a new name\n",
    });
    expect((await consumerState(stack.nc, EVENTS_STREAM, "backfill"))?.pending).toBe(3);
  });

  it("needs --group and --since, and a NATS-safe group name", async () => {
    for (const [argv, message] of [
      [["replay", "--since", "1h"], "castbus replay: missing --group"],
      [["replay", "--group", "g"], "castbus replay: missing --since"],
      [
        ["replay", "--group", "a.b", "--since", "1h"],
        "castbus replay: --group must be letters, digits, - or _, not 'a.b'",
      ],
    ] as const) {
      const result = await stack.cli(argv);
      expect(result.code).toBe(2);
      expect(lines(result.stderr)[0]).toBe(message);
      expect(lines(result.stderr)[1]).toBe(
        "usage: castbus replay --group NAME --since TIME [--subject S]... [--json]",
      );
    }
  });
});
