#!/usr/bin/env node
import { ConfigError } from "@castbus/config";
import { loadObsConfig } from "./config.js";
import { createObsIngester } from "./ingester.js";

let config;
try {
  config = loadObsConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`ingester-obs: ${error.message}\n`);
  process.exit(2);
}
const exitOnFatal = config.INGEST_EXIT_ON_FATAL;
const ingester = await createObsIngester({
  config,
  onFatal: () => {
    if (exitOnFatal) void ingester.stop().then(() => process.exit(1));
  },
});
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    ingester.logger.info({ signal }, "stopping");
    void ingester.stop().then(() => process.exit(0));
  });
}
