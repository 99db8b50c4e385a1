import { startObsSimulator, type ObsSimulator } from "@castbus/simulators/obs";
import { EVENTS_STREAM } from "@castbus/events";
import {
  connectTestNats,
  countStream,
  spawnService,
  startNatsServer,
  waitFor,
  type NatsServerHandle,
} from "@castbus/testing";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PASSWORD, ingesterEnv } from "./harness.js";

const MAIN = fileURLToPath(new URL("../dist/main.js", import.meta.url));

let server: NatsServerHandle;
let sim: ObsSimulator;
beforeAll(async () => {
  server = await startNatsServer();
  sim = await startObsSimulator({ password: PASSWORD });
});
afterAll(async () => {
  await sim?.close();
  await server?.dispose();
});

describe("ingester-obs as a process", () => {
  it("exits 1 on a wrong password when INGEST_EXIT_ON_FATAL is set, saying why without the password", async () => {
    const proc = spawnService(MAIN, {
      env: ingesterEnv(server.url, sim.url, {
        OBS_PASSWORD: "NotThePassword99",
        INGEST_EXIT_ON_FATAL: "true",
        LOG_LEVEL: "info",
      }),
      name: "ingester-obs",
    });
    expect((await proc.exited).code).toBe(1);
    const refused = proc
      .logs()
      .find(
        (l) =>
          l["msg"] ===
          "upstream refused us; this source is stopped until its configuration is fixed",
      );
    expect(JSON.stringify(refused)).toMatch(/OBS refused the password/);
    expect(proc.lines.join("\n")).not.toContain("NotThePassword99");
  });

  it("exits 2 listing every configuration problem at once", async () => {
    const proc = spawnService(MAIN, {
      env: {
        NATS_URL: server.url,
        OBS_URL: "http://obs:4455",
        OBS_NAME: "two words",
        OBS_REQUEST_TIMEOUT_MS: "5",
      },
      name: "ingester-obs",
    });
    expect((await proc.exited).code).toBe(2);
    const text = proc.lines.join("\n");
    for (const variable of ["OBS_URL", "OBS_NAME", "OBS_REQUEST_TIMEOUT_MS"])
      expect(text).toContain(variable);
  });

  it("publishes from OBS and stops cleanly on SIGTERM", async () => {
    const proc = spawnService(MAIN, {
      env: ingesterEnv(server.url, sim.url, { LOG_LEVEL: "info" }),
      name: "ingester-obs",
    });
    await proc.waitForLine((_line, json) => json?.["msg"] === "connected to OBS");
    sim.setScene("BRB");
    const nc = await connectTestNats(server.url);
    await waitFor(
      async () => (await countStream(nc, EVENTS_STREAM, "events.obs.scene_changed")) === 1,
    );
    await nc.close();
    expect((await proc.stop("SIGTERM")).code).toBe(0);
    expect(proc.lines.join("\n")).not.toContain(PASSWORD);
  });
});
