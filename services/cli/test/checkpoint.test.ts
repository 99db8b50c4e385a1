import { CheckpointStore } from "@castbus/nats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lines, startStack, type Stack } from "./harness.js";

let stack: Stack;
let store: CheckpointStore;
beforeAll(async () => {
  stack = await startStack();
  store = await CheckpointStore.open(stack.nc);
  const first = await store.save("chaturbate.alice", { i: "1700000000-1" }, undefined);
  await store.save("chaturbate.alice", { i: "1700000000-2" }, first);
  await store.save("obs.studio-1", { lastEventAt: "2025-11-23T16:00:00Z" }, undefined);
});
afterAll(async () => {
  await stack?.stop();
});

describe("castbus checkpoint", () => {
  it("lists every cursor with revision, time and value, as a table and as JSON", async () => {
    const human = await stack.cli(["checkpoint", "list"]);
    expect(human.code).toBe(0);
    const out = lines(human.stdout);
    expect(out[0]).toMatch(/^KEY\s+REVISION\s+UPDATED\s+VALUE$/);
    expect(out[1]).toMatch(
      /^chaturbate\.alice\s+2\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+\{"i":"1700000000-2"\}$/,
    );
    expect(out[2]).toMatch(/^obs\.studio-1\s+3\s+/);
    const json = JSON.parse((await stack.cli(["checkpoint", "list", "--json"])).stdout);
    expect(json.checkpoints).toEqual([
      expect.objectContaining({
        key: "chaturbate.alice",
        revision: 2,
        operation: "PUT",
        value: { i: "1700000000-2" },
      }),
      expect.objectContaining({
        key: "obs.studio-1",
        value: { lastEventAt: "2025-11-23T16:00:00Z" },
      }),
    ]);
  });

  it("shows one cursor with its recent revisions", async () => {
    const human = await stack.cli(["checkpoint", "show", "chaturbate.alice"]);
    expect(human.stdout).toMatch(/^chaturbate\.alice {2}revision 2, /);
    expect(human.stdout).toContain('  "i": "1700000000-2"');
    expect(human.stdout).toMatch(/^\s+1\s+\S+ \S+\s+\{"i":"1700000000-1"\}$/m);
    const json = JSON.parse(
      (await stack.cli(["checkpoint", "show", "chaturbate.alice", "--json"])).stdout,
    );
    expect(json.history.map((h: { value: unknown }) => h.value)).toEqual([
      { i: "1700000000-1" },
      { i: "1700000000-2" },
    ]);
    const missing = await stack.cli(["checkpoint", "show", "twitch.nobody"]);
    expect(missing).toMatchObject({
      code: 1,
      stderr: "castbus checkpoint show: no checkpoint twitch.nobody\n",
    });
  });

  it("reset refuses without confirmation on a non-TTY unless --yes, then moves the cursor (compare-and-set)", async () => {
    const refused = await stack.cli([
      "checkpoint",
      "reset",
      "chaturbate.alice",
      "--to",
      '{"i":"0-0"}',
    ]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      'castbus checkpoint reset: move checkpoint chaturbate.alice from {"i":"1700000000-2"} (revision 2) to {"i":"0-0"}? — refusing without confirmation; pass --yes\n',
    );
    expect((await store.load("chaturbate.alice"))?.value).toEqual({ i: "1700000000-2" });
    const moved = await stack.cli([
      "checkpoint",
      "reset",
      "chaturbate.alice",
      "--to",
      '{"i":"0-0"}',
      "--yes",
      "--json",
    ]);
    expect(JSON.parse(moved.stdout)).toMatchObject({
      key: "chaturbate.alice",
      action: "moved",
      previous: { i: "1700000000-2" },
      value: { i: "0-0" },
    });
    expect((await store.load("chaturbate.alice"))?.value).toEqual({ i: "0-0" });
  });

  it("reset without --to deletes the cursor after a 'y' on a TTY", async () => {
    const answered = await stack.cli(["checkpoint", "reset", "obs.studio-1"], {
      stdinTTY: true,
      input: "y\n",
    });
    expect(answered.stderr).toContain("delete checkpoint obs.studio-1 = ");
    expect(answered).toMatchObject({ code: 0, stdout: "deleted checkpoint obs.studio-1\n" });
    expect(await store.load("obs.studio-1")).toBeUndefined();
    const again = await stack.cli(["checkpoint", "reset", "obs.studio-1", "--yes"]);
    expect(again).toMatchObject({
      code: 1,
      stderr: "castbus checkpoint reset: no checkpoint obs.studio-1\n",
    });
  });

  it("rejects a bad key or a --to that is not JSON with a one-line error and usage", async () => {
    const key = await stack.cli(["checkpoint", "show", "bad key!"]);
    expect(key.code).toBe(2);
    expect(lines(key.stderr)[0]).toBe(
      "castbus checkpoint show: not a checkpoint key: 'bad key!' (expected <source>.<account>)",
    );
    const to = await stack.cli(["checkpoint", "reset", "obs.x", "--to", "{nope"]);
    expect(to.code).toBe(2);
    expect(lines(to.stderr)[0]).toMatch(/^castbus checkpoint reset: --to must be JSON: /);
    expect(to.stderr).toContain(
      "usage: castbus checkpoint reset <key> [--to JSON] [--yes] [--json]",
    );
  });
});
