import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import type { Readiness } from "./readiness.js";

/** Extra routes a service adds beside the telemetry ones; return false to fall through to 404. */
export type RouteHandler = (
  req: IncomingMessage,
  res: ServerResponse,
) => boolean | Promise<boolean>;

/** Options of {@link startTelemetryServer}. */
export interface TelemetryServerOptions {
  /** `0` picks a free port (tests). */
  port: number;
  host?: string;
  registry: Registry;
  readiness: Readiness;
  logger: Logger;
  routes?: RouteHandler;
}

/** A running telemetry server. */
export interface TelemetryServer {
  readonly port: number;
  readonly server: Server;
  close(): Promise<void>;
}

/**
 * Serves `GET /metrics` (Prometheus text), `GET /healthz` (process alive — independent of NATS,
 * so a NATS outage does not get every pod restarted) and `GET /readyz` (every readiness check
 * ok), plus any service routes.
 */
export async function startTelemetryServer(
  options: TelemetryServerOptions,
): Promise<TelemetryServer> {
  const server = createServer((req, res) => {
    handle(options, req, res).catch((error: unknown) => {
      options.logger.error({ err: error, url: req.url }, "http handler failed");
      if (!res.headersSent) sendJson(res, 500, { error: "internal error" });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host ?? "0.0.0.0", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(
  options: TelemetryServerOptions,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const path = (req.url ?? "/").split("?", 1)[0];
  if (req.method === "GET" && path === "/metrics") {
    const body = await options.registry.metrics();
    res.writeHead(200, { "content-type": options.registry.contentType });
    res.end(body);
  } else if (req.method === "GET" && path === "/healthz") {
    sendJson(res, 200, { status: "ok" });
  } else if (req.method === "GET" && path === "/readyz") {
    const report = options.readiness.report();
    sendJson(res, report.ready ? 200 : 503, {
      status: report.ready ? "ready" : "not ready",
      ...report,
    });
  } else if (options.routes === undefined || !(await options.routes(req, res))) {
    sendJson(res, 404, { error: "not found" });
  }
}

/** Writes a JSON response. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}
