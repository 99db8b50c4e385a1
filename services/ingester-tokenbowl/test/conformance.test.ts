import { Secret } from "@castbus/config";
import { Backoff, HttpClient } from "@castbus/http";
import { sourceConformance } from "@castbus/ingest/testing";
import { startTokenBowlSimulator } from "@castbus/simulators/tokenbowl";
import { randomUUID } from "node:crypto";
import { TokenBowlClient } from "@castbus/tokenbowl";
import { TokenBowlSource, type TokenBowlCursor } from "../src/index.js";
import { API_KEY, USERNAME } from "./harness.js";

sourceConformance<TokenBowlCursor>("tokenbowl", async () => {
  // Above the real 100 so the suite's 250-record paging case fits in what the server keeps.
  const sim = await startTokenBowlSimulator({
    accounts: [{ username: USERNAME, apiKey: API_KEY }],
    retention: 1000,
  });
  sim.register("claude_gm");
  const http = new HttpClient();
  const source = new TokenBowlSource({
    name: "conformance",
    client: new TokenBowlClient({ baseUrl: sim.url, apiKey: new Secret(API_KEY), http }),
    pollIntervalMs: 0,
    directMessages: true,
    keepRaw: false,
    backoff: new Backoff(),
    onGap: () => undefined,
  });
  let n = 0;
  return {
    source,
    secrets: [API_KEY],
    produce: async (count) =>
      Array.from({ length: count }, () => sim.post("claude_gm", `message ${n++}`).id),
    // No timestamp and non-text content; the server still orders it by when it was stored.
    produceMalformed: async () =>
      sim.postRaw({ id: randomUUID(), from_username: "claude_gm", content: { not: "text" } }),
    revokeCredentials: async () => void sim.regenerateKey(USERNAME),
    failTransiently: async () => sim.inject({ kind: "status", status: 503 }),
    expectedId: (id) => `tokenbowl:conformance:${id}`,
    close: async () => {
      await http.close();
      await sim.close();
    },
  };
});
