import { Agent, request, type IncomingHttpHeaders } from "node:http";
import { LineCapture } from "@castbus/testing";
import { afterEach, describe, expect, it } from "vitest";
import {
  Readiness,
  Registry,
  createLogger,
  createMetrics,
  sendJson,
  startTelemetryServer,
  type RouteHandler,
  type TelemetryServer,
} from "../src/index.js";

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

function call(
  port: number,
  path: string,
  options: { method?: string; agent?: Agent } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port, path, method: options.method ?? "GET", agent: options.agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString("utf8"),
          }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end();
  });
}

const servers: TelemetryServer[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function start(routes?: RouteHandler) {
  const readiness = new Readiness();
  const metrics = createMetrics();
  const lines = new LineCapture();
  const server = await startTelemetryServer({
    port: 0,
    host: "127.0.0.1",
    registry: metrics.registry,
    readiness,
    logger: createLogger({ service: "telemetry-test", destination: lines }),
    ...(routes === undefined ? {} : { routes }),
  });
  servers.push(server);
  return { server, readiness, metrics, lines };
}

describe("startTelemetryServer", () => {
  it("listens on a free port when asked for port 0", async () => {
    const { server } = await start();
    expect(server.port).toBeGreaterThan(0);
    expect(server.server.listening).toBe(true);
  });

  it("answers /healthz 200 even while not ready", async () => {
    const { server, readiness } = await start();
    readiness.declare("nats");
    const reply = await call(server.port, "/healthz");
    expect(reply.status).toBe(200);
    expect(reply.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(JSON.parse(reply.body)).toEqual({ status: "ok" });
  });

  it("answers /readyz 503 with the failing checks' reasons, then 200 once all are ok", async () => {
    const { server, readiness } = await start();
    readiness.declare("nats", "upstream:alice");
    readiness.set("nats", true);
    readiness.set("upstream:alice", false, "HTTP 401");

    const notReady = await call(server.port, "/readyz");
    expect(notReady.status).toBe(503);
    expect(JSON.parse(notReady.body)).toMatchObject({
      status: "not ready",
      ready: false,
      checks: { nats: { ok: true }, "upstream:alice": { ok: false, reason: "HTTP 401" } },
    });

    readiness.set("upstream:alice", true);
    const ready = await call(server.port, "/readyz");
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.body)).toMatchObject({ status: "ready", ready: true });
  });

  it("answers /readyz 503 when no check was declared", async () => {
    const { server } = await start();
    expect((await call(server.port, "/readyz")).status).toBe(503);
  });

  it("serves /metrics as Prometheus text with the registry's content type", async () => {
    const { server, metrics } = await start();
    metrics.eventsPublished.inc({ source: "chaturbate", type: "chaturbate.tip" }, 3);
    const reply = await call(server.port, "/metrics");
    expect(reply.status).toBe(200);
    expect(reply.headers["content-type"]).toBe(new Registry().contentType);
    expect(reply.headers["content-type"]).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(reply.body).toContain("# TYPE castbus_events_published_total counter");
    expect(reply.body).toContain(
      'castbus_events_published_total{source="chaturbate",type="chaturbate.tip"} 3',
    );
  });

  it("ignores the query string when routing", async () => {
    const { server } = await start();
    expect((await call(server.port, "/healthz?probe=kubelet")).status).toBe(200);
  });

  it("answers 404 JSON for an unknown path and for a non-GET telemetry path", async () => {
    const { server } = await start();
    for (const [path, method] of [
      ["/nope", "GET"],
      ["/healthz", "POST"],
    ] as const) {
      const reply = await call(server.port, path, { method });
      expect(reply.status).toBe(404);
      expect(reply.headers["content-type"]).toBe("application/json; charset=utf-8");
      expect(JSON.parse(reply.body)).toEqual({ error: "not found" });
    }
  });

  it("hands other paths to the extra routes, falling through to 404 when they return false", async () => {
    const { server } = await start((req, res) => {
      if (req.url !== "/hello") return false;
      sendJson(res, 200, { hello: "world" });
      return true;
    });
    const hello = await call(server.port, "/hello");
    expect(hello.status).toBe(200);
    expect(JSON.parse(hello.body)).toEqual({ hello: "world" });
    expect(hello.headers["content-length"]).toBe(String(Buffer.byteLength(hello.body)));
    expect((await call(server.port, "/other")).status).toBe(404);
  });

  it("serves the telemetry paths before the extra routes", async () => {
    const { server } = await start(() => {
      throw new Error("must not be called");
    });
    expect((await call(server.port, "/healthz")).status).toBe(200);
  });

  it("answers 500 JSON and logs the error when an extra route throws", async () => {
    const { server, lines } = await start(async () => {
      await Promise.resolve();
      throw new Error("handler blew up");
    });
    const reply = await call(server.port, "/boom");
    expect(reply.status).toBe(500);
    expect(JSON.parse(reply.body)).toEqual({ error: "internal error" });
    expect(lines.find("http handler failed")[0]).toMatchObject({
      level: "error",
      url: "/boom",
      err: { message: "handler blew up" },
    });
  });

  it("closes promptly while a keep-alive client holds a connection", async () => {
    const { server } = await start();
    const agent = new Agent({ keepAlive: true });
    try {
      expect((await call(server.port, "/healthz", { agent })).status).toBe(200);
      const started = performance.now();
      await server.close();
      expect(performance.now() - started).toBeLessThan(1000);
      expect(server.server.listening).toBe(false);
    } finally {
      agent.destroy();
    }
  });

  it("rejects when the port is taken", async () => {
    const { server } = await start();
    await expect(
      startTelemetryServer({
        port: server.port,
        host: "127.0.0.1",
        registry: new Registry(),
        readiness: new Readiness(),
        logger: createLogger({ service: "telemetry-test", destination: new LineCapture() }),
      }),
    ).rejects.toMatchObject({ code: "EADDRINUSE" });
  });
});
