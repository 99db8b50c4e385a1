import { EVENTS_STREAM } from "@castbus/events";
import { startChaturbateSimulator, type ChaturbateSimulator } from "@castbus/simulators";
import { readStream, waitFor, type NatsServerHandle, type ServiceProcess } from "@castbus/testing";
import type { NatsConnection } from "@nats-io/transport-node";
import { startService } from "./processes.js";

export const CB_USER = "faultroom";
export const CB_TOKEN = "FaultToken00000000000000";

/** A Chaturbate simulator with the fault-suite account. */
export function chaturbateSimulator(): Promise<ChaturbateSimulator> {
  return startChaturbateSimulator({
    accounts: [{ username: CB_USER, token: CB_TOKEN }],
    maxBatch: 200,
  });
}

/** Starts ingester-chaturbate against `sim`, resolving once it polls. */
export async function startChaturbateIngester(
  server: NatsServerHandle,
  sim: ChaturbateSimulator,
  env: Record<string, string> = {},
): Promise<ServiceProcess> {
  const seen = sim.requests.length;
  const proc = startService("ingester-chaturbate", {
    NATS_URL: server.url,
    CB_USERNAME: CB_USER,
    CB_TOKEN: CB_TOKEN,
    CB_BASE_URL: sim.baseUrl,
    CB_TIMEOUT_S: "1",
    CB_RETRY_BACKOFF_MS: "100",
    CB_RETRY_MAX_DELAY_MS: "1000",
    ...env,
  });
  await waitFor(() => sim.requests.length > seen, {
    timeoutMs: 20_000,
    message: "ingester polling",
  });
  return proc;
}

/** Emits `total` random events, `perTick` every 10 ms; resolves when all are emitted. */
export async function emitSteadily(
  sim: ChaturbateSimulator,
  total: number,
  perTick = 10,
): Promise<void> {
  for (let sent = 0; sent < total; sent += perTick) {
    sim.emitRandom(CB_USER, Math.min(perTick, total - sent));
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The envelope ids the simulator's feed should become. */
export function expectedIds(sim: ChaturbateSimulator): string[] {
  return sim.feed(CB_USER).map((entry) => `chaturbate:${CB_USER}:${entry.id}`);
}

/** Envelope ids stored on the Chaturbate subjects, once there are at least `atLeast`. */
export async function storedIds(
  nc: NatsConnection,
  atLeast: number,
  timeoutMs = 60_000,
): Promise<string[]> {
  return waitFor(
    async () => {
      const ids = (await readStream(nc, EVENTS_STREAM, "events.chaturbate.>")).map(
        (m) => m.json<{ id: string }>().id,
      );
      return new Set(ids).size >= atLeast && ids;
    },
    { timeoutMs, message: `${atLeast} distinct events stored` },
  );
}
