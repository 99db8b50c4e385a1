#!/usr/bin/env node
import { ConfigError } from "@castbus/config";
import { loadTokenBowlConfig } from "./config.js";
import { createTokenBowlIngester } from "./ingester.js";

let config;
try {
  config = loadTokenBowlConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`ingester-tokenbowl: ${error.message}\n`);
  process.exit(2);
}
const exitOnFatal = config.INGEST_EXIT_ON_FATAL;
const ingester = await createTokenBowlIngester({
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
