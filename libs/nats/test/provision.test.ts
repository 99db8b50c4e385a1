import { CHECKPOINTS_BUCKET, DEAD_LETTERS_STREAM, EVENTS_STREAM } from "@castbus/events";
import { startNatsServer, type NatsServerHandle } from "@castbus/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectNats, provision, type NatsConnection } from "../src/index.js";
import { jetstreamManagerFor, testNatsConfig, testStreamConfig } from "./fixtures.js";

let server: NatsServerHandle;
let nc: NatsConnection;
beforeAll(async () => {
  server = await startNatsServer();
  nc = await connectNats(testNatsConfig(server.url), { name: "provision-test" });
});
afterAll(async () => {
  await nc?.close();
  await server?.dispose();
});

describe("provision", () => {
  it("creates EVENTS, DEAD_LETTERS and CHECKPOINTS with the contract settings", async () => {
    expect(await provision(nc, testStreamConfig())).toEqual({
      events: "created",
      deadLetters: "created",
      checkpoints: "created",
      eventsCreated: expect.any(String),
    });
    const jsm = await jetstreamManagerFor(nc);
    const events = (await jsm.streams.info(EVENTS_STREAM)).config;
    expect(events).toMatchObject({
      subjects: ["events.>"],
      storage: "file",
      duplicate_window: 120_000_000_000,
      max_age: 7 * 86_400 * 1e9,
    });
    expect((await jsm.streams.info(DEAD_LETTERS_STREAM)).config.subjects).toEqual(["dlq.>"]);
    expect((await jsm.streams.info(`KV_${CHECKPOINTS_BUCKET}`)).config.storage).toBe("file");
  });

  it("is idempotent, and safe when several processes run it at once", async () => {
    const others = await Promise.all(
      [1, 2, 3].map(() => connectNats(testNatsConfig(server.url), { name: "peer" })),
    );
    const reports = await Promise.all(others.map((peer) => provision(peer, testStreamConfig())));
    for (const report of reports)
      expect(report).toEqual({
        events: "unchanged",
        deadLetters: "unchanged",
        checkpoints: "existing",
        eventsCreated: expect.any(String),
      });
    await Promise.all(others.map((peer) => peer.close()));
  });

  it("updates retention and the duplicate window, clamping the window to max_age", async () => {
    const report = await provision(
      nc,
      testStreamConfig({ EVENTS_MAX_AGE_S: "60", EVENTS_DUPLICATE_WINDOW_S: "300" }),
    );
    expect(report.events).toBe("updated");
    const jsm = await jetstreamManagerFor(nc);
    const config = (await jsm.streams.info(EVENTS_STREAM)).config;
    expect(config.max_age).toBe(60e9);
    expect(config.duplicate_window).toBe(60e9);
    expect(
      (
        await provision(
          nc,
          testStreamConfig({ EVENTS_MAX_AGE_S: "60", EVENTS_DUPLICATE_WINDOW_S: "300" }),
        )
      ).events,
    ).toBe("unchanged");
  });
});
