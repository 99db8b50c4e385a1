import type { ChaturbateSimulator } from "@castbus/simulators";
import {
  ALL_SCOPES,
  SUBSCRIPTION_TYPES,
  startTwitchSimulator,
  type TwitchSimulator,
} from "@castbus/simulators/twitch";
import { waitFor } from "@castbus/testing";
import type { E2eSource } from "./e2e.js";
import { startIngester, startService } from "./processes.js";

const CB_TOKEN = "BenchToken00000000000000";

/** Chaturbate: a pull source; the ingester long-polls the simulator's Events API. */
export function chaturbateSource(sim: ChaturbateSimulator): E2eSource {
  return {
    name: "chaturbate",
    async startIngester(natsUrl, run) {
      sim.addAccount(run, CB_TOKEN);
      const ingester = startIngester(natsUrl, {
        CB_USERNAME: run,
        CB_TOKEN,
        CB_BASE_URL: sim.baseUrl,
      });
      // The simulator keeps a bounded request log: look for this account's poll, not a count.
      await waitFor(() => sim.requests.some((r) => r.username === run), {
        timeoutMs: 20_000,
        message: `ingester-chaturbate polling for ${run}`,
      });
      return ingester;
    },
    emitChat(run, text) {
      sim.emit(run, "chatMessage", { message: { message: text } });
    },
  };
}

const TWITCH = {
  clientId: "bench0client0id0000000000000000",
  clientSecret: "bench0client0secret00000000000",
  accessToken: "bench0access0token000000000000",
  refreshToken: "bench0refresh0token0000000000000000000000000000000",
  broadcaster: { id: "90210", login: "bench_streamer", displayName: "Bench_Streamer" },
};

/** Twitch: a push source; the ingester holds an EventSub WebSocket session to the simulator. */
export async function twitchSource(): Promise<E2eSource & { close(): Promise<void> }> {
  const sim: TwitchSimulator = await startTwitchSimulator({
    clients: [{ clientId: TWITCH.clientId, clientSecret: TWITCH.clientSecret }],
    users: [TWITCH.broadcaster],
    tokens: [
      {
        accessToken: TWITCH.accessToken,
        refreshToken: TWITCH.refreshToken,
        userId: TWITCH.broadcaster.id,
        clientId: TWITCH.clientId,
        scopes: ALL_SCOPES,
      },
    ],
    pingIntervalMs: 0,
    seed: 7,
  });
  const types = Object.keys(SUBSCRIPTION_TYPES).length;
  return {
    name: "twitch",
    async startIngester(natsUrl) {
      const ingester = startService("ingester-twitch", natsUrl, {
        TWITCH_EVENTSUB_URL: sim.eventsubUrl,
        TWITCH_API_URL: sim.apiUrl,
        TWITCH_AUTH_URL: sim.authUrl,
        TWITCH_CLIENT_ID: TWITCH.clientId,
        TWITCH_CLIENT_SECRET: TWITCH.clientSecret,
        TWITCH_ACCESS_TOKEN: TWITCH.accessToken,
        TWITCH_REFRESH_TOKEN: TWITCH.refreshToken,
        TWITCH_BROADCASTER_ID: TWITCH.broadcaster.id,
      });
      await waitFor(
        () => sim.subscriptions().filter((s) => s.status === "enabled").length === types,
        { timeoutMs: 20_000, message: "every EventSub subscription enabled" },
      );
      return ingester;
    },
    emitChat(_run, text) {
      sim.emit("channel.chat.message", { message: { text } });
    },
    close: () => sim.close(),
  };
}
