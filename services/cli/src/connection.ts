import { ConfigError, loadConfig } from "@castbus/config";
import { connectForTool, natsConfigChecks, natsEnvShape, type NatsConnection } from "@castbus/nats";
import { z } from "zod";
import { CliError } from "./errors.js";

const natsEnvSchema = z.object(natsEnvShape);

/**
 * Connects with the services' settings (`NATS_URL`, auth and TLS variables; `--server` wins over
 * `NATS_URL`), but fails at once when no server answers: a command line must fail fast with one
 * clear line, where a service waits for NATS forever.
 */
export async function connectCli(
  env: Readonly<Record<string, string | undefined>>,
  server: string | undefined,
): Promise<NatsConnection> {
  let config;
  try {
    config = loadConfig(
      natsEnvSchema,
      { ...env, ...(server === undefined ? {} : { NATS_URL: server }) },
      {
        checks: [natsConfigChecks],
      },
    );
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const issues = error.issues.map((i) => `${i.variable}: ${i.message}`).join("; ");
    throw new CliError(`invalid NATS settings: ${issues}`);
  }
  try {
    return await connectForTool(config, { name: "castbus-cli" });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new CliError(`cannot connect to NATS at ${config.NATS_URL}: ${reason}`);
  }
}
