import {
  connectTestNats,
  startNatsServer,
  waitFor,
  type NatsServerHandle,
  type ServiceProcess,
} from "@castbus/testing";
import type { NatsConnection } from "@nats-io/transport-node";
import { Agent, request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gatewayCase } from "./fuzz/gateway.js";
import { MAX_BODY_BYTES, goodRequest, type GatewayCase } from "./fuzz/gateway-request.js";
import {
  HEAP_CAP,
  RssSampler,
  checkEvents,
  exited,
  readyAndHealthy,
  rssBoundMb,
  recordFuzz,
  storedEvents,
} from "./fuzz/observe.js";
import { Random, fuzzCases, fuzzSeed } from "./fuzz/random.js";
import { deepText } from "./fuzz/values.js";
import { startService } from "./harness/processes.js";

const TOKEN = "fuzz-token-0123456789abcdef";
/** Requests in flight at once. */
const CONCURRENCY = 8;
/** A request the gateway has not answered in this long has hung. */
const HANG_MS = 10_000;

let server: NatsServerHandle;
let nc: NatsConnection;

beforeAll(async () => {
  server = await startNatsServer();
  nc = await connectTestNats(server.url);
});

afterAll(async () => {
  await nc.close();
  await server.dispose();
});

/** A gateway process with rate limits far above the fuzz's pace; resolves with its ports. */
async function startGateway(): Promise<{ proc: ServiceProcess; port: number; base: string }> {
  const proc = startService("gateway", {
    ...HEAP_CAP,
    NATS_URL: server.url,
    GATEWAY_PORT: "0",
    GATEWAY_TOKENS: `fuzz:${TOKEN}`,
    GATEWAY_RATE_PER_MIN: "10000000",
    GATEWAY_RATE_BURST: "1000000",
    GATEWAY_PUBLISH_TIMEOUT_MS: "3000",
  });
  const line = JSON.parse(
    await proc.waitForLine((_l, json) => json?.["msg"] === "gateway started", 20_000),
  ) as {
    port: number;
    telemetryPort: number;
  };
  return { proc, port: line.port, base: `http://127.0.0.1:${line.telemetryPort}` };
}

/** What the gateway answered. */
interface Answer {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

/**
 * Sends `c` exactly as built (raw path, raw bytes); rejects on a hang or a connection error. A
 * body over the limit is written only if no answer came within 100 ms of the headers: the
 * gateway refuses by the declared length and closes, and a client still uploading would get
 * EPIPE instead of reading the 413 (which eager writing showed once or twice per run).
 */
function send(port: number, c: GatewayCase): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers = { ...c.headers, "content-length": String(c.body.length) };
    const req = request(
      { host: "127.0.0.1", port, method: c.method, path: c.path, agent, headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers["content-type"] ?? ""),
            body: Buffer.concat(chunks).toString("utf8"),
          }),
        );
      },
    );
    req.setTimeout(HANG_MS, () => req.destroy(new Error(`no answer within ${HANG_MS} ms`)));
    req.on("error", reject);
    if (c.body.length <= MAX_BODY_BYTES) return void req.end(c.body);
    req.flushHeaders();
    setTimeout(() => {
      if (!req.destroyed && req.writable) req.end(c.body);
    }, 100);
  });
}

/** What is wrong with `answer` for `c`, or undefined when it is right. */
function judge(c: GatewayCase, answer: Answer): string | undefined {
  if (!c.statuses.includes(answer.status))
    return `expected ${c.statuses.join("|")}, got ${answer.status}: ${answer.body.slice(0, 200)}`;
  if (answer.status >= 400) {
    if (!answer.contentType.startsWith("application/problem+json"))
      return `content-type ${answer.contentType}`;
    const problem = JSON.parse(answer.body) as { status?: unknown; type?: unknown };
    if (problem.status !== answer.status || typeof problem.type !== "string")
      return `not a problem document: ${answer.body.slice(0, 200)}`;
    return undefined;
  }
  const accepted = (JSON.parse(answer.body) as { accepted: { id: string }[] }).accepted.map(
    (a) => a.id,
  );
  const want = c.ids.map((id) => `custom:fuzz:${id}`);
  return JSON.stringify(accepted) === JSON.stringify(want)
    ? undefined
    : `accepted ${JSON.stringify(accepted).slice(0, 200)}`;
}

describe("fuzz: gateway", () => {
  it("answers every malformed request 4xx with a problem document (never 5xx, never a hang) and keeps accepting the valid ones", async () => {
    const started = Date.now();
    const seed = fuzzSeed();
    const random = new Random(seed).fork(5);
    const cases: GatewayCase[] = [];
    while (cases.length < fuzzCases(2000)) {
      cases.push(gatewayCase(random, cases.length, TOKEN));
    }
    const { proc, port, base } = await startGateway();
    const rss = new RssSampler(proc.pid);
    const wrong: string[] = [];
    const goodIds: string[] = [];
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < cases.length; i = next++) {
        const c = cases[i]!;
        const problem = judge(
          c,
          await send(port, c).catch((e: Error) => ({
            status: -1,
            contentType: "",
            body: e.message,
          })),
        );
        if (problem !== undefined) wrong.push(`${c.family}: ${problem}`);
        const good = goodRequest(new Random(seed + i), TOKEN, `ok-${i}`);
        const after = judge(
          good,
          await send(port, good).catch((e: Error) => ({
            status: -1,
            contentType: "",
            body: e.message,
          })),
        );
        if (after === undefined) goodIds.push(`ok-${i}`);
        else wrong.push(`good request after ${c.family}: ${after}`);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    rss.stop();
    const crashed = await exited(proc);
    await readyAndHealthy(base);
    const want = [...cases.flatMap((c) => c.ids), ...goodIds].map((id) => `custom:fuzz:${id}`);
    await waitFor(async () => (await storedEvents(nc, "custom")).length >= want.length, {
      timeoutMs: 10_000,
    }).catch(() => undefined);
    const events = checkEvents(await storedEvents(nc, "custom"), want);
    const rejected = cases.filter((c) => c.statuses[0]! >= 400);
    recordFuzz({
      source: "gateway",
      malformed: cases.length,
      deadLettered: rejected.length - wrong.filter((w) => !w.startsWith("good")).length,
      tolerated: cases.length - rejected.length,
      ignored: 0,
      good: goodIds.length,
      crashes: crashed ? 1 : 0,
      startRssMb: rss.startMb,
      peakRssMb: rss.peakMb,
      seconds: (Date.now() - started) / 1000,
      seed,
      inputMb: Math.round(cases.reduce((n, c) => n + c.body.length, 0) / 1e5) / 10,
      families: familyCounts(cases),
      note: "deadLettered = malformed requests answered with their 4xx problem document",
    });
    await proc.stop();

    expect(crashed).toBe(false);
    expect(wrong).toEqual([]);
    expect(events).toEqual({ missing: [], duplicated: [], unexpected: [], invalid: [] });
    expect(rss.peakMb).toBeLessThan(rssBoundMb("gateway"));
  }, 120_000);
});

function familyCounts(cases: readonly GatewayCase[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const c of cases)
    counts[c.family.split(":", 1)[0]!] = (counts[c.family.split(":", 1)[0]!] ?? 0) + 1;
  return counts;
}

describe("fuzz: gateway, regressions found by fuzzing", () => {
  let gateway: Awaited<ReturnType<typeof startGateway>>;
  beforeAll(async () => {
    gateway = await startGateway();
  });
  afterAll(async () => {
    await gateway.proc.stop("SIGKILL");
  });
  const post = (body: string | Buffer) =>
    send(gateway.port, {
      family: "pin",
      method: "POST",
      path: "/v1/events",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: Buffer.from(body),
      statuses: [],
      ids: [],
    });

  it("answers 400 to a body with invalid UTF-8 inside a string instead of storing U+FFFD", async () => {
    const body = Buffer.concat([
      Buffer.from('{"type":"custom.utf8","data":{"t":"'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"},"id":"pin-utf8"}'),
    ]);
    expect((await post(body)).status).toBe(400);
  });

  it("answers 4xx, not 500, to data nested 10,000 levels deep", async () => {
    const answer = await post(
      `{"type":"custom.deep","data":{"x":${deepText(10_000)}},"id":"pin-deep"}`,
    );
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
  });

  it("answers 422 to a time that normalizes past year 9999 instead of publishing a time that is not RFC 3339", async () => {
    const answer = await post(
      JSON.stringify({
        type: "custom.time",
        data: {},
        id: "pin-time",
        time: "9999-12-31T23:59:59-23:59",
      }),
    );
    expect(answer.status).toBe(422);
  });

  it("keeps a __proto__ key of data in the published event (or refuses it), never drops it silently", async () => {
    const answer = await post(
      '{"type":"custom.proto","data":{"__proto__":{"x":1},"a":1},"id":"pin-proto"}',
    );
    if (answer.status === 202) {
      const stored = (await storedEvents(nc, "custom")).find(
        (m) => m.json<{ id: string }>().id === "custom:fuzz:pin-proto",
      );
      expect(stored?.text).toContain('"__proto__"');
    } else {
      expect(answer.status).toBe(422);
    }
  });

  it("answers 422 to an event type too long for a NATS subject, and keeps accepting valid events", async () => {
    const own = await startGateway(); // this one may lose its NATS connection for good
    try {
      const poison = {
        family: "pin",
        method: "POST",
        path: "/v1/events",
        headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
        statuses: [],
        ids: [],
      };
      const long = await send(own.port, {
        ...poison,
        body: Buffer.from(
          JSON.stringify({ type: `custom.${"a".repeat(5_000)}`, data: {}, id: "pin-long" }),
        ),
      });
      const after = await send(own.port, {
        ...poison,
        body: Buffer.from(JSON.stringify({ type: "custom.after", data: {}, id: "pin-after-long" })),
      });
      expect([long.status, after.status]).toEqual([422, 202]);
    } finally {
      await own.proc.stop("SIGKILL");
    }
  }, 30_000);
});
