#!/usr/bin/env node
import { ConfigError } from "@castbus/config";
import type { Ingester } from "@castbus/ingest";
import { loadTwitchConfig } from "./config.js";
import { createTwitchIngester } from "./ingester.js";

let config;
try {
  config = loadTwitchConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`ingester-twitch: ${error.message}\n`);
  process.exit(2);
}
const exitOnFatal = config.INGEST_EXIT_ON_FATAL;
let ingester: Ingester | undefined;
try {
  ingester = await createTwitchIngester({
    config,
    onFatal: () => {
      if (exitOnFatal) void ingester?.stop().then(() => process.exit(1));
    },
  });
} catch (error) {
  // Looking up TWITCH_BROADCASTER_LOGIN failed (unknown login, dead token, Twitch down).
  process.stderr.write(`ingester-twitch: ${(error as Error).message}\n`);
  process.exit(1);
}
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    ingester?.logger.info({ signal }, "stopping");
    void ingester?.stop().then(() => process.exit(0));
  });
}
