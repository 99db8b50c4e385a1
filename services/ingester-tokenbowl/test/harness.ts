import type { Ingester } from "@castbus/ingest";
import {
  startTokenBowlSimulator,
  type TokenBowlSimulator,
  type TokenBowlSimulatorOptions,
} from "@castbus/simulators/tokenbowl";
import { createLogger } from "@castbus/telemetry";
import {
  LineCapture,
  connectTestNats,
  startNatsServer,
  waitFor,
  type NatsServerHandle,
} from "@castbus/testing";
import { loadTokenBowlConfig } from "../src/config.js";
import { createTokenBowlIngester } from "../src/ingester.js";

/** A 64-hex key, as the server issues them. */
export const API_KEY = "5f2b8c9d0e1a4b7c8d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e";
/** The account the ingester reads with. */
export const USERNAME = "castbus_reader";
export const NAME = "league";

/** The environment an ingester under test gets. */
export function ingesterEnv(
  server: NatsServerHandle,
  sim: TokenBowlSimulator,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    NATS_URL: server.url,
    HTTP_PORT: "0",
    TOKENBOWL_URL: sim.url,
    TOKENBOWL_API_KEY: API_KEY,
    TOKENBOWL_NAME: NAME,
    TOKENBOWL_POLL_INTERVAL_MS: "100",
    TOKENBOWL_RETRY_BACKOFF_MS: "50",
    TOKENBOWL_RETRY_MAX_DELAY_MS: "300",
    LOG_LEVEL: "debug",
    ...extra,
  };
}

/** The envelope id of a wire message. */
export const eventId = (messageId: string) => `tokenbowl:${NAME}:${messageId}`;

/** A private nats-server, a simulator with the reader's account, and in-process ingesters. */
export async function startStack(simOptions: TokenBowlSimulatorOptions = {}) {
  const server = await startNatsServer();
  const sim = await startTokenBowlSimulator({
    accounts: [{ username: USERNAME, apiKey: API_KEY }],
    seed: 7,
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
    /** Starts an ingester and (unless told not to) waits until it has polled the room once. */
    async ingester(extra: Record<string, string> = {}, firstPoll = true): Promise<Ingester> {
      const config = loadTokenBowlConfig(ingesterEnv(server, sim, extra));
      const logger = createLogger({
        service: "ingester-tokenbowl",
        level: "debug",
        destination: logs,
      });
      const seen = polls(sim);
      const ingester = await createTokenBowlIngester({ config, logger });
      running.push(ingester);
      if (firstPoll) await waitFor(() => polls(sim) > seen, { message: "first poll" });
      return ingester;
    },
    /** Resolves once the ingester has finished `count` more room polls. */
    async nextPolls(count = 2): Promise<void> {
      const target = polls(sim) + count;
      await waitFor(() => polls(sim) >= target, { message: `${count} more polls` });
    },
    async stop() {
      await Promise.all(running.map((i) => i.stop()));
      await nc.close();
      await sim.close();
      await server.dispose();
    },
  };
}

/** Answered room polls so far. */
export function polls(sim: TokenBowlSimulator): number {
  return sim.requests.filter(
    (r) => r.path === "/messages" && r.method === "GET" && r.status === 200,
  ).length;
}

/** GET a telemetry path on an in-process service. */
export async function getLocal(
  port: number,
  path: string,
): Promise<{ status: number; text: string }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: res.status, text: await res.text() };
}
