import { EVENTS_STREAM } from "@castbus/events";
import { ensureDurableConsumer } from "@castbus/nats";
import { freePort } from "@castbus/testing";
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lines, startStack, type Stack } from "./harness.js";

let stack: Stack;
let services: Server;
let base = "";
beforeAll(async () => {
  stack = await startStack();
  for (let n = 1; n <= 4; n++) await stack.tip(n);
  await ensureDurableConsumer(stack.nc, {
    stream: EVENTS_STREAM,
    name: "alerts",
    filterSubjects: ["events.chaturbate.>"],
    ackWaitMs: 30_000,
    maxAckPending: 100,
    deliverFrom: { policy: "all" },
  });
  await stack.workerDeadLetter("custom:s-1", "alerts", "handler_failed");
  await stack.workerDeadLetter("custom:s-2", "alerts", "handler_failed");
  await stack.workerDeadLetter("custom:s-3", "alerts", "schema");
  await stack.ingestDeadLetter("twitch", "{oops");
  // Two fake services' telemetry: one ready, one whose upstream check fails.
  services = createServer((req, res) => {
    const ready = req.url === "/ingester/readyz" ? false : true;
    res.writeHead(ready ? 200 : 503, { "content-type": "application/json" });
    res.end(
      JSON.stringify({
        status: ready ? "ready" : "not ready",
        ready,
        checks: {
          nats: { ok: true, since: "x" },
          ...(ready
            ? {}
            : { "upstream:alice": { ok: false, reason: "401 from upstream", since: "x" } }),
        },
      }),
    );
  });
  await new Promise<void>((resolve) => services.listen(0, "127.0.0.1", resolve));
  const address = services.address();
  base = `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}`;
});
afterAll(async () => {
  await new Promise((resolve) => services?.close(resolve));
  await stack?.stop();
});

describe("castbus stats", () => {
  it("reports streams, worker groups with pending/ack-pending, dead letters per reason and subject, as JSON", async () => {
    const closed = await freePort();
    const result = await stack.cli([
      "stats",
      "--window",
      "100ms",
      "--json",
      "--readyz",
      `${base}/worker/readyz`,
      "--readyz",
      `${base}/ingester/readyz`,
      "--readyz",
      `http://127.0.0.1:${closed}`,
    ]);
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(doc.server.version).toMatch(/^\d+\.\d+/);
    expect(doc.streams[0]).toMatchObject({
      name: "EVENTS",
      messages: 4,
      firstSeq: 1,
      lastSeq: 4,
      ratePerSecond: 0,
    });
    expect(doc.streams[0].bytes).toBeGreaterThan(0);
    expect(doc.streams[1]).toMatchObject({ name: "DEAD_LETTERS", messages: 4 });
    expect(doc.consumers).toEqual([
      expect.objectContaining({
        name: "alerts",
        filterSubjects: ["events.chaturbate.>"],
        pending: 4,
        ackPending: 0,
      }),
    ]);
    expect(doc.deadLetters).toEqual({
      total: 4,
      byReason: { handler_failed: 2, schema: 1, invalid_json: 1 },
      bySubject: { "dlq.worker.alerts": 3, "dlq.ingest.twitch": 1 },
    });
    expect(doc.readiness).toEqual([
      { url: `${base}/worker/readyz`, ready: true, status: 200, failing: [], error: null },
      {
        url: `${base}/ingester/readyz`,
        ready: false,
        status: 503,
        failing: [{ check: "upstream:alice", reason: "401 from upstream" }],
        error: null,
      },
      expect.objectContaining({
        url: `http://127.0.0.1:${closed}/readyz`,
        ready: false,
        status: null,
      }),
    ]);
  });

  it("prints tables for humans, coloured only on a TTY without NO_COLOR", async () => {
    const result = await stack.cli([
      "stats",
      "--window",
      "0",
      "--readyz",
      `${base}/ingester/readyz`,
    ]);
    expect(result.code).toBe(0);
    const out = result.stdout;
    expect(out).toMatch(/^NATS .+ \(nats-server \d+\.\d+\.\d+\)$/m);
    expect(out).toMatch(
      /^EVENTS\s+4\s+\S+ (B|KiB)\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+-\s+7d$/m,
    );
    expect(out).toMatch(/^alerts\s+events\.chaturbate\.>\s+4\s+0\s+0$/m);
    expect(out).toMatch(/^4 dead letters$/m);
    expect(out).toMatch(/^handler_failed\s+2$/m);
    expect(out).toMatch(/^dlq\.worker\.alerts\s+3$/m);
    expect(out).toMatch(/ingester\/readyz\s+not ready\s+upstream:alice: 401 from upstream$/m);
    expect(out).not.toContain("\u001b[");
    const tty = await stack.cli(["stats", "--window", "0"], { stdoutTTY: true });
    expect(tty.stdout).toContain("\u001b[1mSTREAM");
    const noColor = await stack.cli(["stats", "--window", "0"], {
      stdoutTTY: true,
      env: { NO_COLOR: "1" },
    });
    expect(noColor.stdout).not.toContain("\u001b[");
  });

  it("measures the message rate over the sampling window", async () => {
    const running = stack.cli(["stats", "--window", "600ms", "--json"]);
    await new Promise((r) => setTimeout(r, 100));
    for (let n = 10; n < 16; n++) await stack.tip(n);
    const doc = JSON.parse((await running).stdout);
    expect(doc.streams[0].ratePerSecond).toBeGreaterThan(4);
  });

  it("rejects a bad --window or --readyz with a one-line error and usage", async () => {
    const window = await stack.cli(["stats", "--window", "soon"]);
    expect(window.code).toBe(2);
    expect(lines(window.stderr)[0]).toBe(
      "castbus stats: --window must be a duration like 1s, not 'soon'",
    );
    const readyz = await stack.cli(["stats", "--readyz", "ftp://x"]);
    expect(lines(readyz.stderr)[0]).toBe(
      "castbus stats: --readyz must be an http(s) URL, not 'ftp://x'",
    );
  });
});
