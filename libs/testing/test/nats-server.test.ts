import { jetstreamManager } from "@nats-io/jetstream";
import { describe, expect, it } from "vitest";
import {
  LineCapture,
  connectTestNats,
  findSecret,
  startNatsServer,
  waitFor,
} from "../src/index.js";

describe("startNatsServer", () => {
  it("starts a private JetStream server, restarts it keeping the store, and wipes it on request", async () => {
    const server = await startNatsServer();
    try {
      expect(server.private).toBe(true);
      let nc = await connectTestNats(server.url);
      await (await jetstreamManager(nc)).streams.add({ name: "KEEP", subjects: ["keep.>"] });
      await nc.close();
      await server.restart();
      nc = await connectTestNats(server.url);
      expect((await (await jetstreamManager(nc)).streams.info("KEEP")).config.name).toBe("KEEP");
      await nc.close();
      await server.restart({ wipe: true });
      nc = await connectTestNats(server.url);
      await expect((await jetstreamManager(nc)).streams.info("KEEP")).rejects.toThrow(/not found/);
      await nc.close();
    } finally {
      await server.dispose();
    }
  });

  it("gives two suites two servers on different ports", async () => {
    const [a, b] = await Promise.all([startNatsServer(), startNatsServer()]);
    expect(a.port).not.toBe(b.port);
    await Promise.all([a.dispose(), b.dispose()]);
  });
});

describe("LineCapture and findSecret", () => {
  it("splits written chunks into lines and finds secrets, raw or URL-encoded", () => {
    const capture = new LineCapture();
    capture.write('{"msg":"a"}\n{"msg":"b", "u":"x%2Fy');
    capture.write('"}\n');
    expect(capture.json().map((l) => l["msg"])).toEqual(["a", "b"]);
    expect(findSecret(capture.lines, "x/y")).toHaveLength(1);
    expect(findSecret(capture.lines, "zzz")).toEqual([]);
  });
});

describe("waitFor", () => {
  it("returns the first truthy value and explains a timeout", async () => {
    let n = 0;
    expect(await waitFor(() => (++n >= 3 ? n : undefined), { intervalMs: 1 })).toBe(3);
    await expect(waitFor(() => false, { timeoutMs: 30, message: "never" })).rejects.toThrow(
      /never within 30 ms/,
    );
  });
});
