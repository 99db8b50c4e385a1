#!/usr/bin/env node
import { runService } from "@castbus/telemetry";
import { loadGatewayConfig } from "./config.js";
import { createGateway } from "./gateway.js";

await runService({
  name: "gateway",
  loadConfig: () => loadGatewayConfig(),
  start: (config) => createGateway({ config }),
});
