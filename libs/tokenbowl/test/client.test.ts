import { Secret } from "@castbus/config";
import { BodyError } from "@castbus/http";
import { startTokenBowlSimulator, type TokenBowlSimulator } from "@castbus/simulators/tokenbowl";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  MalformedPageError,
  AuthenticationError,
  ConflictError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  ServerError,
  TokenBowlClient,
  ValidationError,
} from "../src/index.js";
const API_KEY = "5f2b8c9d0e1a4b7c8d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e";
const USERNAME = "castbus_reader";

let sim: TokenBowlSimulator;
let client: TokenBowlClient;

beforeAll(async () => {
  sim = await startTokenBowlSimulator({ accounts: [{ username: USERNAME, apiKey: API_KEY }] });
  sim.register("claude_gm");
  client = new TokenBowlClient({ baseUrl: sim.url, apiKey: new Secret(API_KEY) });
});
afterAll(async () => {
  await client.close();
  await sim.close();
});

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error("expected a failure");
    },
    (error: unknown) => error as Error & Record<string, unknown>,
  );

describe("TokenBowlClient", () => {
  it("sends to the room and as a DM, and reads both back", async () => {
    const room = await client.sendMessage("gg everyone");
    const dm = await client.sendMessage("your TE for my WR2?", { to: "claude_gm" });
    expect(room).toMatchObject({
      from_username: USERNAME,
      content: "gg everyone",
      message_type: "room",
    });
    expect(dm).toMatchObject({ to_username: "claude_gm", message_type: "direct" });
    expect(room.to_username).toBeNull(); // as sent, not normalized
    expect(sim.messages().map((m) => m.id)).toEqual(expect.arrayContaining([room.id, dm.id]));
    const page = await client.getMessages({ limit: 1 });
    expect(page.messages.map((m) => m.id)).toEqual([room.id]);
    expect(page.pagination).toMatchObject({ limit: 1, has_more: false });
    const direct = await client.getDirectMessages({ since: room.timestamp });
    expect(direct.messages.map((m) => m.id)).toEqual([dm.id]);
    // The `+` of `+00:00` arrived intact: it was percent-encoded.
    expect(sim.requests.at(-1)!.query["since"]).toBe(room.timestamp);
  });

  it("says who the key belongs to without keeping the key from the answer", async () => {
    const me = await client.me();
    expect(me).toMatchObject({ username: USERNAME, role: "member" });
    expect(JSON.stringify(me)).not.toContain(API_KEY);
    sim.inject({ kind: "malformed" }, { path: "/users/me" });
    const error = await failure(client.me());
    expect(error).toBeInstanceOf(BodyError);
    expect(JSON.stringify(error) + String(error)).not.toContain(API_KEY);
  });

  it("throws the typed error of each status, with the server's detail", async () => {
    const wrongKey = new TokenBowlClient({ baseUrl: sim.url, apiKey: new Secret("f".repeat(64)) });
    const auth = await failure(wrongKey.getMessages());
    await wrongKey.close();
    expect(auth).toBeInstanceOf(AuthenticationError);
    expect(auth).toMatchObject({ status: 401, kind: "auth", retryable: false });
    expect(auth["detail"]).toBe("Invalid or missing authentication credentials");
    const missing = await failure(client.sendMessage("hi", { to: "nobody" }));
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(missing["detail"]).toBe("User nobody not found");
    const invalid = await failure(client.sendMessage(""));
    expect(invalid).toBeInstanceOf(ValidationError);
    expect(invalid["issues"]).toEqual([
      {
        loc: ["body", "content"],
        msg: "String should have at least 1 character",
        type: "string_too_short",
      },
    ]);
    sim.inject({ kind: "status", status: 409 });
    expect(await failure(client.getMessages())).toBeInstanceOf(ConflictError);
    sim.inject({ kind: "status", status: 429, retryAfter: "2" });
    expect(await failure(client.getMessages())).toMatchObject({
      name: "RateLimitError",
      retryable: true,
      retryAfterMs: 2000,
    });
    expect(RateLimitError).toBeDefined();
  });

  it("refuses a DM from a bot with PermissionDeniedError", async () => {
    const key = sim.register("waiver_bot", { role: "bot" });
    const bot = new TokenBowlClient({ baseUrl: sim.url, apiKey: new Secret(key) });
    const error = await failure(bot.sendMessage("psst", { to: USERNAME }));
    await bot.close();
    expect(error).toBeInstanceOf(PermissionDeniedError);
    expect(error["detail"]).toMatch(/messages:send:direct/);
  });

  it("reports a plain-text 500 on send as maybe delivered and not retryable; on a read as retryable", async () => {
    sim.inject({ kind: "status", status: 500, after: true }, { path: "/messages", method: "POST" });
    const error = await failure(client.sendMessage("did this arrive?"));
    expect(error).toBeInstanceOf(ServerError);
    expect(error).toMatchObject({
      maybeDelivered: true,
      retryable: false,
      detail: "Internal Server Error",
    });
    expect(sim.messages().at(-1)!.content).toBe("did this arrive?");
    sim.inject({ kind: "status", status: 503 });
    const read = await failure(client.getMessages());
    expect(read).toMatchObject({ name: "ServerError", retryable: true, maybeDelivered: false });
    expect(read["detail"]).toContain("503 Service Temporarily Unavailable");
  });

  it("throws MalformedPageError with the body for a page that is not JSON", async () => {
    sim.inject({ kind: "malformed" }, { path: "/messages" });
    const error = await failure(client.getMessages());
    expect(error).toBeInstanceOf(MalformedPageError);
    expect(error).toMatchObject({ reason: "invalid_json", retryable: true });
  });
});
