#!/usr/bin/env node
import { ConfigError } from "@castbus/config";
import { loadGatewayConfig } from "./config.js";
import { createGateway } from "./gateway.js";

let config;
try {
  config = loadGatewayConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`gateway: ${error.message}\n`);
  process.exit(2);
}
const gateway = await createGateway({ config });
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    gateway.logger.info({ signal }, "stopping");
    void gateway.stop().then(() => process.exit(0));
  });
}
