#!/usr/bin/env node
import { ConfigError } from "@castbus/config";
import { loadWorkerConfig } from "./config.js";
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
const router = await loadHandlers(config.WORKER_HANDLERS);
const worker = await createWorker({ config, router });
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    worker.logger.info({ signal }, "stopping");
    void worker.stop().then(() => process.exit(0));
  });
}
