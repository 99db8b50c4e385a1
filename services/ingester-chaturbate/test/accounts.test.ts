import { EVENTS_STREAM } from "@castbus/events";
import { ConfigError } from "@castbus/config";
import { readStream, waitFor } from "@castbus/testing";
import { Kvm } from "@nats-io/kv";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadChaturbateConfig } from "../src/config.js";
import { startStack } from "./harness.js";

const dir = mkdtempSync(join(tmpdir(), "castbus-accounts-"));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const tokens = { bob: "BobToken0000000000000000", carol: "CarolToken00000000000000" };

let stack: Awaited<ReturnType<typeof startStack>>;
beforeEach(async () => {
  stack = await startStack();
  for (const [username, token] of Object.entries(tokens)) stack.sim.addAccount(username, token);
});
afterEach(async () => {
  await stack.stop();
});

describe("many accounts in one ingester (CB_ACCOUNTS_FILE)", () => {
  it("reads every account with its own source, subject stream and checkpoint", async () => {
    const accounts = file(
      "accounts.txt",
      `# broadcasters\nbob:${tokens.bob}\n\ncarol:${tokens.carol}\n`,
    );
    await stack.ingester({ CB_ACCOUNTS_FILE: accounts });
    await waitFor(() => new Set(stack.sim.requests.map((r) => r.username)).size === 3, {
      message: "all three polling",
    });
    const sent = ["alice", "bob", "carol"].map((user) => stack.sim.emit(user, "tip"));
    const stored = await waitFor(async () => {
      const messages = await readStream(stack.nc, EVENTS_STREAM, "events.chaturbate.tip");
      return messages.length === 3 && messages;
    });
    expect(stored.map((m) => m.json()["source"]).sort()).toEqual([
      "chaturbate/alice",
      "chaturbate/bob",
      "chaturbate/carol",
    ]);
    const kv = await new Kvm(stack.nc).open("CHECKPOINTS");
    await waitFor(
      async () => {
        const values = await Promise.all(
          ["alice", "bob", "carol"].map(async (u) =>
            (await kv.get(`chaturbate.${u}`))?.json<{ cursor: { i: string } }>(),
          ),
        );
        return values.every((v, i) => v?.cursor.i === sent[i]!.id);
      },
      { message: "one checkpoint per account" },
    );
  });

  it("accepts a JSON accounts file and reports bad entries by position, without the token", () => {
    const json = file("accounts.json", JSON.stringify([{ username: "bob", token: tokens.bob }]));
    expect(loadChaturbateConfig({ CB_ACCOUNTS_FILE: json }).CB_ACCOUNTS_FILE).toBe(json);
    const bad = file(
      "bad.txt",
      `bob:${tokens.bob}\nnot a user:${tokens.carol}\nbob:${tokens.bob}\n`,
    );
    const error = (() => {
      try {
        loadChaturbateConfig({ CB_ACCOUNTS_FILE: bad });
      } catch (e) {
        return e as ConfigError;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.message).toContain("line 2: not a Chaturbate username");
    expect(error!.message).not.toContain(tokens.carol);
  });

  it("requires an account from CB_USERNAME/CB_TOKEN or CB_ACCOUNTS_FILE", () => {
    expect(() => loadChaturbateConfig({})).toThrow(
      /CB_USERNAME: is required \(or CB_ACCOUNTS_FILE\)/,
    );
    expect(() => loadChaturbateConfig({ CB_USERNAME: "bob" })).toThrow(
      /CB_USERNAME and CB_TOKEN go together/,
    );
  });
});
