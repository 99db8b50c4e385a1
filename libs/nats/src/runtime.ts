import {
  Readiness,
  createLogger,
  createMetrics,
  startTelemetryServer,
  type LogLevel,
  type Logger,
  type Metrics,
  type RouteHandler,
  type TelemetryServer,
} from "@castbus/telemetry";
import type { NatsConnection } from "@nats-io/transport-node";
import type { NatsConfig, StreamConfig } from "./config.js";
import { connectNats, watchConnection } from "./connect.js";
import { provision } from "./provision.js";

/** Options of {@link openNats}. */
export interface OpenNatsOptions {
  config: NatsConfig & StreamConfig;
  /** Connection name, e.g. `castbus-ingester-chaturbate`. */
  name: string;
  logger: Logger;
  metrics: Metrics;
  readiness: Readiness;
}

/**
 * What every service does with NATS at start: connect (reconnect forever), keep the `nats`
 * readiness check and `castbus_nats_connected` current, log lame-duck and other notices, and
 * provision the streams and bucket (`streams` readiness check). Provisioning runs again after
 * each reconnect, so a server restarted with an empty store gets its streams back — and says so.
 */
export async function openNats(options: OpenNatsOptions): Promise<NatsConnection> {
  const { logger, metrics, readiness } = options;
  readiness.declare("nats", "streams");
  const nc = await connectNats(options.config, { name: options.name });
  let knownCreated: string | undefined;
  const ensureStreams = async () => {
    try {
      const report = await provision(nc, options.config);
      readiness.set("streams", true);
      // Another process may have recreated the streams first, so compare creation times rather
      // than trusting our own "created": a new EVENTS stream means the old store is gone.
      if (knownCreated !== undefined && report.eventsCreated !== knownCreated) {
        metrics.natsStoreResets.inc();
        logger.error(
          { report, previous: knownCreated },
          "stream EVENTS was recreated while we were disconnected: the NATS server lost its store (events stored before are gone)",
        );
      } else if (report.events === "created") {
        logger.info({ report }, "created castbus streams");
      }
      knownCreated = report.eventsCreated;
    } catch (error) {
      readiness.set("streams", false, (error as Error).message);
      logger.error({ err: error }, "provisioning streams failed");
    }
  };
  void watchConnection(nc, {
    onConnectedChange: (connected) => {
      readiness.set("nats", connected, connected ? undefined : "disconnected from NATS");
      metrics.natsConnected.set(connected ? 1 : 0);
      if (!connected && !nc.isDraining() && !nc.isClosed())
        logger.warn("disconnected from NATS; reconnecting");
    },
    onReconnect: () => {
      metrics.natsReconnects.inc();
      logger.info({ server: nc.getServer() }, "reconnected to NATS");
      void ensureStreams();
    },
    onNotice: (kind, detail) => logger.warn({ kind }, detail),
  });
  await ensureStreams();
  return nc;
}

/** Options of {@link startServiceRuntime}. */
export interface ServiceRuntimeOptions {
  /** Service name: the log `service` field and the NATS connection name (`castbus-<service>`). */
  service: string;
  config: NatsConfig & StreamConfig & { HTTP_PORT: number; LOG_LEVEL: LogLevel };
  /** Defaults to JSON on stdout at `LOG_LEVEL`; tests pass a capturing one. */
  logger?: Logger;
  /** Readiness checks the service reports itself (declared before `/readyz` answers). */
  checks?: readonly string[];
  /** Extra HTTP routes beside the telemetry ones. */
  routes?: RouteHandler;
}

/** The parts every castbus service is built on. */
export interface ServiceRuntime {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly readiness: Readiness;
  readonly server: TelemetryServer;
  readonly nc: NatsConnection;
  /** Drains NATS, closes the HTTP server and flushes the log. */
  close(): Promise<void>;
}

/**
 * Starts what every service has: logger, metrics, readiness, the telemetry HTTP server (first,
 * so `/healthz` answers while NATS is still being reached), then NATS via {@link openNats}.
 */
export async function startServiceRuntime(options: ServiceRuntimeOptions): Promise<ServiceRuntime> {
  const { config } = options;
  const logger =
    options.logger ?? createLogger({ service: options.service, level: config.LOG_LEVEL });
  const metrics = createMetrics();
  const readiness = new Readiness();
  readiness.declare(...(options.checks ?? []));
  const server = await startTelemetryServer({
    port: config.HTTP_PORT,
    registry: metrics.registry,
    readiness,
    logger,
    ...(options.routes === undefined ? {} : { routes: options.routes }),
  });
  const nc = await openNats({
    config,
    name: `castbus-${options.service}`,
    logger,
    metrics,
    readiness,
  });
  return {
    logger,
    metrics,
    readiness,
    server,
    nc,
    close: async () => {
      await nc.drain().catch(() => undefined);
      await server.close();
      logger.info("stopped");
      await new Promise<void>((resolve) => logger.flush(() => resolve()));
    },
  };
}
