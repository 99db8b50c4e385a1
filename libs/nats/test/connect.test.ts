import { createUser } from "@nats-io/nkeys";
import { startNatsServer } from "@castbus/testing";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { natsConfigChecks, connectNats, serverVersion } from "../src/index.js";
import { testNatsConfig } from "./fixtures.js";

describe("connectNats", () => {
  it("authenticates with user and password from the environment", async () => {
    const server = await startNatsServer({
      config: 'authorization { user: "svc", password: "pa55-word-xyz" }',
    });
    try {
      const nc = await connectNats(
        testNatsConfig(server.url, { NATS_USER: "svc", NATS_PASSWORD: "pa55-word-xyz" }),
        { name: "t" },
      );
      expect(serverVersion(nc)[0]).toBe(2);
      await nc.close();
      await expect(
        connectNats(testNatsConfig(server.url, { NATS_USER: "svc", NATS_PASSWORD: "wrong" }), {
          name: "t",
          maxReconnectAttempts: 0,
        }),
      ).rejects.toThrow(/Authorization/i);
    } finally {
      await server.dispose();
    }
  });

  it("authenticates with a token", async () => {
    const server = await startNatsServer({ config: 'authorization { token: "t0ken-abc-123" }' });
    try {
      const nc = await connectNats(testNatsConfig(server.url, { NATS_TOKEN: "t0ken-abc-123" }), {
        name: "t",
      });
      await nc.flush();
      await nc.close();
    } finally {
      await server.dispose();
    }
  });

  it("authenticates with an nkey seed file", async () => {
    const user = createUser();
    const dir = mkdtempSync(join(tmpdir(), "castbus-nkey-"));
    const seedFile = join(dir, "user.nk");
    writeFileSync(seedFile, new TextDecoder().decode(user.getSeed()));
    const server = await startNatsServer({
      config: `authorization { users: [ { nkey: "${user.getPublicKey()}" } ] }`,
    });
    try {
      const nc = await connectNats(testNatsConfig(server.url, { NATS_NKEY_SEED_FILE: seedFile }), {
        name: "t",
      });
      await nc.flush();
      await nc.close();
    } finally {
      await server.dispose();
    }
  });

  it("reports conflicting auth settings as configuration problems", () => {
    const config = testNatsConfig("nats://x:4222", { NATS_TOKEN: "a-token", NATS_USER: "u" });
    const issues = natsConfigChecks(config);
    expect(issues.map((i) => i.variable).sort()).toEqual(["NATS_*", "NATS_PASSWORD"]);
  });
});
