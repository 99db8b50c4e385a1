#!/usr/bin/env node
import { createLogger, runService } from "@castbus/telemetry";
import { builtInServices, loadWorkerConfig } from "./config.js";
import { loadHandlers } from "./handlers.js";
import { createWorker } from "./worker.js";

await runService({
  name: "worker",
  loadConfig: () => loadWorkerConfig(),
  start: async (config) => {
    const logger = createLogger({ service: "worker", level: config.LOG_LEVEL });
    const { router, services } = await loadHandlers(config.WORKER_HANDLERS, {
      logger,
      services: builtInServices(config),
    });
    return createWorker({ config, router, services, logger });
  },
});
