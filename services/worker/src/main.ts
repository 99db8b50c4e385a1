#!/usr/bin/env node
import { ConfigError } from "@castbus/config";
import { createLogger } from "@castbus/telemetry";
import { builtInServices, loadWorkerConfig } from "./config.js";
import { loadHandlers } from "./handlers.js";
import { createWorker } from "./worker.js";

let config;
try {
  config = loadWorkerConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`worker: ${error.message}\n`);
  process.exit(2);
}
const logger = createLogger({ service: "worker", level: config.LOG_LEVEL });
const { router, services } = await loadHandlers(config.WORKER_HANDLERS, {
  logger,
  services: builtInServices(config),
});
const worker = await createWorker({ config, router, services, logger });
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    logger.info({ signal }, "stopping");
    void worker.stop().then(() => process.exit(0));
  });
}
