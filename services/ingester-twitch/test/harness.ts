import { EVENTS_STREAM } from "@castbus/events";
import type { Ingester } from "@castbus/ingest";
import {
  ALL_SCOPES,
  startTwitchSimulator,
  type TwitchSimulator,
  type TwitchSimulatorOptions,
} from "@castbus/simulators/twitch";
import { createLogger } from "@castbus/telemetry";
import {
  LineCapture,
  connectTestNats,
  readStream,
  startNatsServer,
  waitFor,
  type NatsServerHandle,
} from "@castbus/testing";
import { loadTwitchConfig } from "../src/config.js";
import { createTwitchIngester } from "../src/ingester.js";

/** Credentials shaped like Twitch's (30 lowercase characters; refresh tokens are longer). */
export const CLIENT_ID = "gp762nuuoqcoxypju8c569th9wz7q5";
export const CLIENT_SECRET = "k0s9vbw2y1xq8mz3n4p5r6t7u8v9w0";
export const ACCESS_TOKEN = "jostpf5q0uzmxmkba9iyug38kjtgh2";
export const REFRESH_TOKEN = "eyqjw8g3rkc2m1n0p9o8i7u6y5t4r3e2w1q0a9s8d7f6g5h4j3";
export const BROADCASTER = { id: "12826", login: "cool_streamer", displayName: "Cool_Streamer" };
export const OTHER = { id: "141981764", login: "other_channel", displayName: "Other_Channel" };

/** Simulator timing for fast tests: 1 s keepalive, 1 s subscribe deadline, pings every 500 ms. */
export const FAST: TwitchSimulatorOptions = {
  keepaliveMinS: 1,
  keepaliveDefaultS: 1,
  subscribeDeadlineMs: 1000,
  pingIntervalMs: 500,
  reconnectGraceMs: 3000,
};

/** Options of {@link startStack}. */
export interface StackOptions {
  readonly sim?: TwitchSimulatorOptions;
  /** Scopes of the token (default: every scope the 11 types need). */
  readonly scopes?: readonly string[];
}

/** A private nats-server, a Twitch simulator with one broadcaster and its token, and ingesters. */
export async function startStack(options: StackOptions = {}) {
  const server = await startNatsServer();
  const sim = await startTwitchSimulator({
    clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }],
    users: [BROADCASTER, { ...OTHER, moderators: [BROADCASTER.id] }],
    tokens: [
      {
        accessToken: ACCESS_TOKEN,
        refreshToken: REFRESH_TOKEN,
        userId: BROADCASTER.id,
        clientId: CLIENT_ID,
        scopes: options.scopes ?? ALL_SCOPES,
      },
    ],
    ...FAST,
    ...options.sim,
  });
  const nc = await connectTestNats(server.url);
  const logs = new LineCapture();
  const running: Ingester[] = [];
  /** Every refreshed token the ingester got (scanned for leaks like the configured ones). */
  const refreshed: string[] = [];
  return {
    server,
    sim,
    nc,
    logs,
    refreshed,
    async ingester(extra: Record<string, string> = {}): Promise<Ingester> {
      const config = loadTwitchConfig(ingesterEnv(server, sim, extra));
      const logger = createLogger({
        service: "ingester-twitch",
        level: "debug",
        destination: logs,
      });
      const ingester = await createTwitchIngester({
        config,
        logger,
        onTokensRefreshed: (tokens) => {
          refreshed.push(tokens.accessToken.reveal());
          if (tokens.refreshToken !== undefined) refreshed.push(tokens.refreshToken.reveal());
        },
      });
      running.push(ingester);
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

/** The stack {@link startStack} returns. */
export type Stack = Awaited<ReturnType<typeof startStack>>;

/** The environment an ingester under test gets. */
export function ingesterEnv(
  server: NatsServerHandle,
  sim: TwitchSimulator,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    NATS_URL: server.url,
    HTTP_PORT: "0",
    LOG_LEVEL: "debug",
    TWITCH_EVENTSUB_URL: sim.eventsubUrl,
    TWITCH_API_URL: sim.apiUrl,
    TWITCH_AUTH_URL: sim.authUrl,
    TWITCH_CLIENT_ID: CLIENT_ID,
    TWITCH_ACCESS_TOKEN: ACCESS_TOKEN,
    TWITCH_REFRESH_TOKEN: REFRESH_TOKEN,
    TWITCH_CLIENT_SECRET: CLIENT_SECRET,
    TWITCH_BROADCASTER_ID: BROADCASTER.id,
    TWITCH_RECONNECT_BACKOFF_MS: "50",
    TWITCH_RECONNECT_MAX_DELAY_MS: "500",
    ...extra,
  };
}

/** Waits until `count` subscriptions are enabled in the simulator. */
export function enabledSubscriptions(sim: TwitchSimulator, count: number, timeoutMs = 10_000) {
  return waitFor(
    () => {
      const enabled = sim.subscriptions().filter((s) => s.status === "enabled");
      return enabled.length === count && enabled;
    },
    { timeoutMs, message: `${count} enabled subscriptions` },
  );
}

/** Reads `events.twitch.>` once it holds `count` messages. */
export function eventsOnStream(stack: Stack, count: number, timeoutMs = 10_000) {
  return waitFor(
    async () => {
      const messages = await readStream(stack.nc, EVENTS_STREAM, "events.twitch.>");
      return messages.length >= count && messages;
    },
    { timeoutMs, message: `${count} events on the stream` },
  );
}

/** GET a telemetry path on an in-process service. */
export async function getLocal(
  port: number,
  path: string,
): Promise<{ status: number; text: string }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: res.status, text: await res.text() };
}

/** The `upstream:twitch/<id>` readiness check. */
export async function upstreamCheck(port: number, broadcasterId = BROADCASTER.id) {
  const ready = JSON.parse((await getLocal(port, "/readyz")).text) as {
    ready: boolean;
    checks: Record<string, { ok: boolean; reason?: string }>;
  };
  return ready.checks[`upstream:twitch/${broadcasterId}`];
}

/** The value of `castbus_upstream_requests_total{source="twitch",outcome}` (0 when absent). */
export async function outcomeCount(port: number, outcome: string): Promise<number> {
  const { text } = await getLocal(port, "/metrics");
  const match = new RegExp(
    `castbus_upstream_requests_total\\{source="twitch",outcome="${outcome}"\\} (\\d+)`,
  ).exec(text);
  return match === null ? 0 : Number(match[1]);
}
