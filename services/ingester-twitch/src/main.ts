#!/usr/bin/env node
import { runService } from "@castbus/telemetry";
import { loadTwitchConfig } from "./config.js";
import { createTwitchIngester } from "./ingester.js";

await runService({
  name: "ingester-twitch",
  loadConfig: () => loadTwitchConfig(),
  start: (config, fail) =>
    createTwitchIngester({
      config,
      // INGEST_EXIT_ON_FATAL: exit 1 when a source stops for good, instead of staying up not ready.
      onFatal: () => {
        if (config.INGEST_EXIT_ON_FATAL) fail(1);
      },
    }),
});
