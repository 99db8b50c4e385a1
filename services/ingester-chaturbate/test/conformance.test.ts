import { Secret } from "@castbus/config";
import { Backoff, HttpClient } from "@castbus/http";
import { startChaturbateSimulator } from "@castbus/simulators";
import { sourceConformance } from "@castbus/ingest/testing";
import { ChaturbateSource, type ChaturbateCursor } from "../src/index.js";
import { TOKEN, USERNAME } from "./harness.js";

sourceConformance<ChaturbateCursor>("chaturbate", async () => {
  const sim = await startChaturbateSimulator({
    accounts: [{ username: USERNAME, token: TOKEN }],
    backlogSize: 1000,
  });
  const http = new HttpClient();
  const source = new ChaturbateSource({
    username: USERNAME,
    token: new Secret(TOKEN),
    baseUrl: sim.baseUrl,
    timeoutS: 0,
    keepRaw: false,
    backoff: new Backoff(),
    http,
  });
  return {
    source,
    secrets: [TOKEN],
    produce: async (count) => sim.emitRandom(USERNAME, count).map((event) => event.id),
    produceMalformed: async () =>
      void sim.emitRaw(USERNAME, { method: "tip", object: { broadcaster: USERNAME } }),
    revokeCredentials: async () => sim.revokeToken(USERNAME),
    failTransiently: async () =>
      sim.inject({ kind: "status", status: 503 }, { username: USERNAME }),
    expectedId: (id) => `chaturbate:${USERNAME}:${id}`,
    close: async () => {
      await http.close();
      await sim.close();
    },
  };
});
