import { Secret } from "@castbus/config";
import { startNatsServer, type NatsServerHandle } from "@castbus/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CheckpointConflictError,
  CheckpointSecretError,
  CheckpointStore,
  checkpointKey,
  connectNats,
  provision,
  type NatsConnection,
} from "../src/index.js";
import { testNatsConfig, testStreamConfig } from "./fixtures.js";

let server: NatsServerHandle;
let nc: NatsConnection;
let store: CheckpointStore;
beforeAll(async () => {
  server = await startNatsServer();
  nc = await connectNats(testNatsConfig(server.url), { name: "checkpoint-test" });
  await provision(nc, testStreamConfig());
  store = await CheckpointStore.open(nc);
});
afterAll(async () => {
  await nc?.close();
  await server?.dispose();
});

describe("CheckpointStore", () => {
  it("round-trips a JSON cursor with its revision", async () => {
    expect(await store.load("chaturbate.alice")).toBeUndefined();
    const revision = await store.save("chaturbate.alice", { i: "1-0" }, undefined);
    expect(await store.load("chaturbate.alice")).toEqual({ value: { i: "1-0" }, revision });
  });

  it("refuses a write that names a stale revision (compare-and-set)", async () => {
    const first = await store.save("chaturbate.bob", { i: "1-0" }, undefined);
    const second = await store.save("chaturbate.bob", { i: "2-0" }, first);
    await expect(store.save("chaturbate.bob", { i: "3-0" }, first)).rejects.toBeInstanceOf(
      CheckpointConflictError,
    );
    await expect(store.save("chaturbate.bob", { i: "0-0" }, undefined)).rejects.toBeInstanceOf(
      CheckpointConflictError,
    );
    expect(await store.load("chaturbate.bob")).toEqual({ value: { i: "2-0" }, revision: second });
  });

  it("refuses to store a value that contains a secret", async () => {
    const token = new Secret("s3cr3t-token-value-123456");
    await expect(
      store.save("chaturbate.eve", { url: `https://x/events/eve/${token.reveal()}/` }, undefined),
    ).rejects.toBeInstanceOf(CheckpointSecretError);
    expect(await store.load("chaturbate.eve")).toBeUndefined();
  });

  it("escapes account names into valid keys", () => {
    expect(checkpointKey("obs", "studio 1/main")).toBe("obs.studio=201=2fmain");
    expect(checkpointKey("chaturbate", "alice_b-2")).toBe("chaturbate.alice_b-2");
  });
});
