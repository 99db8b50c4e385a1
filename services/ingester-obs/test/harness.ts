import { EVENTS_STREAM } from "@castbus/events";
import type { Ingester } from "@castbus/ingest";
import {
  startObsSimulator,
  type ObsSimulator,
  type ObsSimulatorOptions,
} from "@castbus/simulators/obs";
import { createLogger } from "@castbus/telemetry";
import {
  LineCapture,
  connectTestNats,
  readStream,
  startNatsServer,
  waitFor,
  type StoredMessage,
} from "@castbus/testing";
import { loadObsConfig } from "../src/config.js";
import { createObsIngester } from "../src/ingester.js";

/** A 16-character alphanumeric password, as OBS generates them. */
export const PASSWORD = "Xq7pL2vN9sK4mR8t";
export const NAME = "studio-1";

/** The environment an ingester under test gets: fast reconnects, short deadlines. */
export function ingesterEnv(natsUrl: string, obsUrl: string, extra: Record<string, string> = {}) {
  return {
    NATS_URL: natsUrl,
    HTTP_PORT: "0",
    OBS_URL: obsUrl,
    OBS_PASSWORD: PASSWORD,
    OBS_NAME: NAME,
    OBS_REQUEST_TIMEOUT_MS: "1000",
    OBS_RECONNECT_DELAY_MS: "50",
    OBS_RECONNECT_MAX_DELAY_MS: "200",
    LOG_LEVEL: "debug",
    ...extra,
  };
}

/** A private nats-server, an OBS simulator (password on), and in-process ingesters. */
export async function startStack(simOptions: ObsSimulatorOptions = {}) {
  const server = await startNatsServer();
  const sim = await startObsSimulator({ password: PASSWORD, outputTransitionMs: 5, ...simOptions });
  const nc = await connectTestNats(server.url);
  const logs = new LineCapture();
  const running: Ingester[] = [];
  const stack = {
    server,
    sim,
    nc,
    logs,
    /** Starts an ingester; resolves once it is running (not necessarily connected to OBS). */
    async ingester(extra: Record<string, string> = {}): Promise<Ingester> {
      const config = loadObsConfig(ingesterEnv(server.url, sim.url, extra));
      const logger = createLogger({ service: "ingester-obs", level: "debug", destination: logs });
      const ingester = await createObsIngester({ config, logger });
      running.push(ingester);
      return ingester;
    },
    /** Starts an ingester and waits until it is identified and seeded. */
    async connected(extra: Record<string, string> = {}): Promise<Ingester> {
      const ingester = await stack.ingester(extra);
      await waitForReady(ingester);
      return ingester;
    },
    /** The `obs.*` events stored so far, in stream order. */
    events: (): Promise<StoredMessage[]> => readStream(nc, EVENTS_STREAM, "events.obs.>"),
    /** Waits until `count` events of `type` are stored and returns all of that type. */
    async waitForType(type: string, count = 1): Promise<StoredMessage[]> {
      return waitFor(
        async () => {
          const found = (await stack.events()).filter((m) => m.subject === `events.${type}`);
          return found.length >= count && found;
        },
        { message: `${count} × ${type}` },
      );
    },
    async stop() {
      await Promise.all(running.map((i) => i.stop()));
      await nc.close();
      await sim.close();
      await server.dispose();
    },
  };
  return stack;
}

/** The stack {@link startStack} returns. */
export type Stack = Awaited<ReturnType<typeof startStack>>;

/** GET a telemetry path on an in-process service. */
export async function getLocal(
  port: number,
  path: string,
): Promise<{ status: number; text: string }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: res.status, text: await res.text() };
}

/** The readiness of the OBS upstream check. */
export async function upstreamCheck(ingester: Ingester): Promise<{ ok: boolean; reason?: string }> {
  const body = JSON.parse((await getLocal(ingester.port, "/readyz")).text) as {
    checks: Record<string, { ok: boolean; reason?: string }>;
  };
  return body.checks[`upstream:obs/${NAME}`] ?? { ok: false, reason: "missing" };
}

/** Waits until `/readyz` says the OBS upstream is connected. */
export async function waitForReady(ingester: Ingester, timeoutMs = 10_000): Promise<void> {
  await waitFor(async () => (await upstreamCheck(ingester)).ok, {
    timeoutMs,
    message: "connected to OBS",
  });
}

/** The `data` of a stored envelope. */
export function dataOf(message: StoredMessage): Record<string, unknown> {
  return message.json<{ data: Record<string, unknown> }>().data;
}

/** Lets the simulator's scheduled events and the ingester's publishes settle. */
export const settle = (ms = 100) => new Promise((r) => setTimeout(r, ms));

export type { ObsSimulator };
