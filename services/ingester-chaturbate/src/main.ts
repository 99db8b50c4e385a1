#!/usr/bin/env node
import { runService } from "@castbus/telemetry";
import { loadChaturbateConfig } from "./config.js";
import { createChaturbateIngester } from "./ingester.js";

await runService({
  name: "ingester-chaturbate",
  loadConfig: () => loadChaturbateConfig(),
  start: (config, fail) =>
    createChaturbateIngester({
      config,
      // INGEST_EXIT_ON_FATAL: exit 1 when a source stops for good, instead of staying up not ready.
      onFatal: () => {
        if (config.INGEST_EXIT_ON_FATAL) fail(1);
      },
    }),
});
