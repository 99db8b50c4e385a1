import type { Ingester } from "@castbus/ingest";
import {
  startChaturbateSimulator,
  type ChaturbateSimulator,
  type ChaturbateSimulatorOptions,
} from "@castbus/simulators";
import { createLogger } from "@castbus/telemetry";
import {
  LineCapture,
  connectTestNats,
  startNatsServer,
  waitFor,
  type NatsServerHandle,
} from "@castbus/testing";
import { loadChaturbateConfig } from "../src/config.js";
import { createChaturbateIngester } from "../src/ingester.js";

/** A 24-character token, as Chaturbate issues them. */
export const TOKEN = "Zq8cT3nVx1LpR6yWm4Kd9sHa";
export const USERNAME = "alice";

/** The environment an ingester under test gets. */
export function ingesterEnv(
  server: NatsServerHandle,
  sim: ChaturbateSimulator,
  extra: Record<string, string> = {},
) {
  return {
    NATS_URL: server.url,
    HTTP_PORT: "0",
    CB_USERNAME: USERNAME,
    CB_TOKEN: TOKEN,
    CB_BASE_URL: sim.baseUrl,
    CB_TIMEOUT_S: "1",
    CB_RETRY_BACKOFF_MS: "50",
    CB_RETRY_MAX_DELAY_MS: "400",
    LOG_LEVEL: "debug",
    ...extra,
  };
}

/** A private nats-server, a simulator with one account, and a way to start in-process ingesters. */
export async function startStack(simOptions: ChaturbateSimulatorOptions = {}) {
  const server = await startNatsServer();
  const sim = await startChaturbateSimulator({
    accounts: [{ username: USERNAME, token: TOKEN }],
    ...simOptions,
  });
  const nc = await connectTestNats(server.url);
  const logs = new LineCapture();
  const running: Ingester[] = [];
  return {
    server,
    sim,
    nc,
    logs,
    async ingester(extra: Record<string, string> = {}): Promise<Ingester> {
      const config = loadChaturbateConfig(ingesterEnv(server, sim, extra));
      const logger = createLogger({
        service: "ingester-chaturbate",
        level: "debug",
        destination: logs,
      });
      const seen = sim.requests.length;
      const ingester = await createChaturbateIngester({ config, logger });
      running.push(ingester);
      // Without a cursor the first poll gets only the newest backlog: let it start first.
      await waitFor(() => sim.requests.length > seen, { message: "first poll" });
      return ingester;
    },
    async stop() {
      await Promise.all(running.map((i) => i.stop()));
      await nc.close();
      await sim.close();
      await server.dispose();
    },
  };
}

/** GET a telemetry path on an in-process service. */
export async function getLocal(
  port: number,
  path: string,
): Promise<{ status: number; text: string }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: res.status, text: await res.text() };
}
