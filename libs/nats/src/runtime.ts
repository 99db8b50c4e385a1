import type { Logger, Metrics, Readiness } from "@castbus/telemetry";
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
  const ensureStreams = async (afterReconnect: boolean) => {
    try {
      const report = await provision(nc, options.config);
      readiness.set("streams", true);
      if (report.events === "created" || report.deadLetters === "created") {
        // After a reconnect, streams that had to be created mean the server lost its store.
        if (afterReconnect)
          logger.error(
            { report },
            "castbus streams were missing after reconnect: the NATS server lost its store; recreated them",
          );
        else logger.info({ report }, "created castbus streams");
      }
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
      void ensureStreams(true);
    },
    onNotice: (kind, detail) => logger.warn({ kind }, detail),
  });
  await ensureStreams(false);
  return nc;
}
