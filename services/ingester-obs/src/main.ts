#!/usr/bin/env node
import { runService } from "@castbus/telemetry";
import { loadObsConfig } from "./config.js";
import { createObsIngester } from "./ingester.js";

await runService({
  name: "ingester-obs",
  loadConfig: () => loadObsConfig(),
  start: (config, fail) =>
    createObsIngester({
      config,
      // INGEST_EXIT_ON_FATAL: exit 1 when a source stops for good, instead of staying up not ready.
      onFatal: () => {
        if (config.INGEST_EXIT_ON_FATAL) fail(1);
      },
    }),
});
