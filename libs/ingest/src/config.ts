import { env } from "@castbus/config";
import { natsEnvShape, streamEnvShape } from "@castbus/nats";
import { telemetryEnvShape } from "@castbus/telemetry";
import type { z } from "zod";

/** Settings every ingester reads, besides its own source's. */
export const ingestEnvShape = {
  ...telemetryEnvShape,
  ...natsEnvShape,
  ...streamEnvShape,
  /** Most publishes awaiting their JetStream ack at once (per process). */
  INGEST_MAX_IN_FLIGHT: env.int(1, 65_536).default(1024),
  /** Resend a publish (same msg id) when its ack takes longer than this. */
  INGEST_ACK_TIMEOUT_MS: env.int(100, 120_000).default(5000),
  /** Exit with status 1 when a source stops on a fatal error (bad credentials), instead of staying up not-ready. */
  INGEST_EXIT_ON_FATAL: env.bool().default(false),
  /** How long shutdown may take to flush publishes and the last checkpoint. */
  SHUTDOWN_GRACE_MS: env.int(0, 600_000).default(20_000),
};

/** Parsed ingest settings. */
export type IngestConfig = z.output<z.ZodObject<typeof ingestEnvShape>>;
