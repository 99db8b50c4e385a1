#!/usr/bin/env node
import { runService } from "@castbus/telemetry";
import { loadTokenBowlConfig } from "./config.js";
import { createTokenBowlIngester } from "./ingester.js";

await runService({
  name: "ingester-tokenbowl",
  loadConfig: () => loadTokenBowlConfig(),
  start: (config, fail) =>
    createTokenBowlIngester({
      config,
      // INGEST_EXIT_ON_FATAL: exit 1 when a source stops for good, instead of staying up not ready.
      onFatal: () => {
        if (config.INGEST_EXIT_ON_FATAL) fail(1);
      },
    }),
});
