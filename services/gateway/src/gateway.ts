import { Publisher, startServiceRuntime } from "@castbus/nats";
import type { Logger, Metrics, Readiness } from "@castbus/telemetry";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { apiHandler } from "./api.js";
import type { GatewayConfig } from "./config.js";
import { openApiDocument } from "./openapi.js";
import { RateLimiter } from "./rate-limit.js";
import { TokenAuth } from "./tokens.js";

/** What {@link createGateway} is built from. */
export interface GatewayDeps {
  readonly config: GatewayConfig;
  readonly logger?: Logger;
}

/** A running gateway. */
export interface Gateway {
  /** The API port (`GATEWAY_PORT`). */
  readonly port: number;
  /** The telemetry port (`HTTP_PORT`). */
  readonly telemetryPort: number;
  readonly metrics: Metrics;
  readonly readiness: Readiness;
  readonly logger: Logger;
  stop(): Promise<void>;
}

/**
 * Starts the gateway: the service runtime (telemetry on HTTP_PORT, NATS), then the API server on
 * GATEWAY_PORT. Publishes go through the windowed publisher; every answer waits for the acks.
 */
export async function createGateway(deps: GatewayDeps): Promise<Gateway> {
  const { config } = deps;
  const auth = new TokenAuth(config.GATEWAY_TOKENS);
  const runtime = await startServiceRuntime({
    service: "gateway",
    config,
    ...(deps.logger === undefined ? {} : { logger: deps.logger }),
  });
  const { logger, metrics, readiness, nc } = runtime;
  const publisher = new Publisher(nc, {
    onRetry: (reason) => metrics.publishErrors.inc({ reason }),
  });
  const handler = apiHandler({
    config,
    auth,
    limiter: new RateLimiter(config.GATEWAY_RATE_PER_MIN, config.GATEWAY_RATE_BURST),
    publisher,
    metrics,
    logger,
    openapi: openApiDocument({
      maxBodyBytes: config.GATEWAY_MAX_BODY_BYTES,
      maxBatch: config.GATEWAY_MAX_BATCH,
    }),
  });
  const server = createServer((req, res) => void handler(req, res));
  server.requestTimeout = 30_000;
  await listen(server, config.GATEWAY_PORT);
  const port = (server.address() as AddressInfo).port;
  logger.info({ port, telemetryPort: runtime.server.port }, "gateway started");
  let stopping: Promise<void> | undefined;
  return {
    port,
    telemetryPort: runtime.server.port,
    metrics,
    readiness,
    logger,
    stop: () =>
      (stopping ??= (async () => {
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await publisher.close(Math.min(5000, config.SHUTDOWN_GRACE_MS));
        await runtime.close();
      })()),
  };
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "0.0.0.0", () => resolve());
  });
}
