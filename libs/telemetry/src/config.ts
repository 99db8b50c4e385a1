import { env } from "@castbus/config";
import { LOG_LEVELS } from "./logger.js";

/** Settings every service reads: the telemetry HTTP port and the log level. */
export const telemetryEnvShape = {
  HTTP_PORT: env.int(0, 65_535).default(8080),
  LOG_LEVEL: env.oneOf(LOG_LEVELS).default("info"),
};
