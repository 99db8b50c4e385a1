export { telemetryEnvShape } from "./config.js";
export { LOG_LEVELS, createLogger, scrubSecrets } from "./logger.js";
export { Registry, createMetrics } from "./metrics.js";
export { Readiness } from "./readiness.js";
export { runService } from "./run-service.js";
export { sendJson, startTelemetryServer } from "./server.js";

export type { LogLevel, Logger, LoggerOptions } from "./logger.js";
export type { Metrics } from "./metrics.js";
export type { CheckState, ReadinessReport } from "./readiness.js";
export type { RunningService, ServiceMain } from "./run-service.js";
export type { RouteHandler, TelemetryServer, TelemetryServerOptions } from "./server.js";
