import { env, loadConfig, type ConfigIssue, type Env } from "@castbus/config";
import { isSubjectToken } from "@castbus/events";
import { natsConfigChecks, natsEnvShape, streamEnvShape } from "@castbus/nats";
import { parseStartAt, type ConsumerSettings, type Services } from "@castbus/router";
import { TokenBowlClient } from "@castbus/tokenbowl";
import { telemetryEnvShape } from "@castbus/telemetry";
import { z } from "zod";

/** Environment of `worker` (documented in the README, one row per variable). */
export const workerEnvSchema = z.object({
  ...telemetryEnvShape,
  ...natsEnvShape,
  ...streamEnvShape,
  /** The durable consumer's name; every replica with the same group shares the work. */
  WORKER_GROUP: env.string().default("workers"),
  WORKER_SUBJECTS: env.list().default(["events.>"]),
  /** `log` (built in) and/or paths of handler modules, comma-separated. */
  WORKER_HANDLERS: env.list().default(["log"]),
  WORKER_MAX_DELIVER: env.int(1, 1000).default(5),
  WORKER_CONCURRENCY: env.int(1, 10_000).default(16),
  WORKER_ACK_WAIT_MS: env.int(1000, 3_600_000).default(30_000),
  WORKER_HANDLER_TIMEOUT_MS: env.int(1, 3_600_000).default(60_000),
  /** Delays before redelivery after a failure: the n-th entry after the n-th failure (last one repeats). */
  WORKER_BACKOFF_MS: env.list().default(["1000", "5000", "15000", "30000"]),
  WORKER_MAX_ACK_PENDING: env.int(1, 1_000_000).default(1000),
  /** Where a new group starts: `all` (every stored event), `new`, or an RFC 3339 time. */
  WORKER_START_AT: env.string().default("all"),
  SHUTDOWN_GRACE_MS: env.int(0, 600_000).default(20_000),
  /** With both set, handlers get a Token Bowl chat client as `ctx.services.tokenbowl`. */
  TOKENBOWL_URL: env.url().optional(),
  TOKENBOWL_API_KEY: env.secret().optional(),
});

/** Parsed worker configuration. */
export type WorkerConfig = z.output<typeof workerEnvSchema>;

/** Loads and checks the environment; throws `ConfigError` listing every problem. */
export function loadWorkerConfig(source: Env = process.env): WorkerConfig {
  return loadConfig(workerEnvSchema, source, { checks: [natsConfigChecks, workerChecks] });
}

function workerChecks(c: WorkerConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (!isSubjectToken(c.WORKER_GROUP)) {
    issues.push({ variable: "WORKER_GROUP", message: "must be letters, digits, - or _" });
  }
  if (c.WORKER_SUBJECTS.some((s) => !s.startsWith("events.") && s !== "events.>")) {
    issues.push({ variable: "WORKER_SUBJECTS", message: "every subject must be under events." });
  }
  if (c.WORKER_BACKOFF_MS.length === 0 || c.WORKER_BACKOFF_MS.some((v) => !/^\d+$/.test(v))) {
    issues.push({ variable: "WORKER_BACKOFF_MS", message: "must be comma-separated milliseconds" });
  }
  if ((c.TOKENBOWL_URL === undefined) !== (c.TOKENBOWL_API_KEY === undefined)) {
    issues.push({
      variable: "TOKENBOWL_API_KEY",
      message: "TOKENBOWL_URL and TOKENBOWL_API_KEY go together",
    });
  }
  if (parseStartAt(c.WORKER_START_AT) === undefined) {
    issues.push({ variable: "WORKER_START_AT", message: "must be all, new, or an RFC 3339 time" });
  }
  return issues;
}

/** Services the worker itself provides to handlers, from its configuration. */
export function builtInServices(c: WorkerConfig): Services {
  const services: Services = {};
  if (c.TOKENBOWL_URL !== undefined && c.TOKENBOWL_API_KEY !== undefined) {
    services["tokenbowl"] = new TokenBowlClient({
      baseUrl: c.TOKENBOWL_URL,
      apiKey: c.TOKENBOWL_API_KEY,
    });
  }
  return services;
}

/** The consumer settings this configuration describes. */
export function consumerSettings(c: WorkerConfig): ConsumerSettings {
  return {
    group: c.WORKER_GROUP,
    subjects: c.WORKER_SUBJECTS,
    concurrency: c.WORKER_CONCURRENCY,
    maxDeliver: c.WORKER_MAX_DELIVER,
    backoffMs: c.WORKER_BACKOFF_MS.map(Number),
    ackWaitMs: c.WORKER_ACK_WAIT_MS,
    handlerTimeoutMs: c.WORKER_HANDLER_TIMEOUT_MS,
    maxAckPending: c.WORKER_MAX_ACK_PENDING,
    startAt: parseStartAt(c.WORKER_START_AT)!,
  };
}
