import { EVENTS_STREAM, validateEvent } from "@castbus/events";
import { createLogger } from "@castbus/telemetry";
import {
  LineCapture,
  connectTestNats,
  findSecret,
  readStream,
  startNatsServer,
  type NatsServerHandle,
} from "@castbus/testing";
import type { NatsConnection } from "@nats-io/transport-node";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROBLEMS, createGateway, loadGatewayConfig, type Gateway } from "../src/index.js";

const CI_TOKEN = "ci-token-0123456789abcdef";
const OVERLAY_TOKEN = "overlay-token-fedcba987654";

let server: NatsServerHandle;
let gateway: Gateway;
let nc: NatsConnection;
const logs = new LineCapture();

beforeAll(async () => {
  server = await startNatsServer();
  const config = loadGatewayConfig({
    NATS_URL: server.url,
    HTTP_PORT: "0",
    GATEWAY_PORT: "0",
    GATEWAY_TOKENS: `ci:${CI_TOKEN},overlay:${OVERLAY_TOKEN}`,
    GATEWAY_MAX_BODY_BYTES: "2048",
    GATEWAY_MAX_BATCH: "5",
    GATEWAY_RATE_PER_MIN: "60",
    GATEWAY_RATE_BURST: "8",
  });
  gateway = await createGateway({
    config,
    logger: createLogger({ service: "gateway", level: "debug", destination: logs }),
  });
  nc = await connectTestNats(server.url);
});
afterAll(async () => {
  await gateway?.stop();
  await nc?.close();
  await server?.dispose();
});

async function post(
  body: unknown,
  token: string | null = CI_TOKEN,
  headers: Record<string, string> = {},
) {
  const res = await fetch(`http://127.0.0.1:${gateway.port}/v1/events`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      ...headers,
    },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return {
    status: res.status,
    type: res.headers.get("content-type"),
    headers: res.headers,
    json: (await res.json()) as Record<string, unknown>,
  };
}

describe("gateway POST /v1/events", () => {
  it("publishes a batch and answers 202 with the envelope ids once JetStream acked", async () => {
    const res = await post([
      { type: "custom.alert", data: { text: "one" } },
      { type: "custom.alert", data: { text: "two" }, id: "two", time: "2026-01-01T00:00:00Z" },
    ]);
    expect(res.status).toBe(202);
    const accepted = res.json["accepted"] as { id: string; duplicate: boolean }[];
    expect(accepted).toHaveLength(2);
    expect(accepted[1]).toEqual({ id: "custom:ci:two", type: "custom.alert", duplicate: false });
    const stored = await readStream(nc, EVENTS_STREAM, "events.custom.alert");
    const byId = new Map(stored.map((m) => [m.json()["id"], m.json()]));
    for (const { id } of accepted) expect(validateEvent(byId.get(id)).ok).toBe(true);
    expect(byId.get("custom:ci:two")).toMatchObject({
      source: "gateway/ci",
      time: "2026-01-01T00:00:00.000Z",
      data: { text: "two" },
    });
  });

  it("stores an event once when a client retries with the same id", async () => {
    const first = await post({ type: "custom.retry", data: { n: 1 }, id: "abc-1" });
    const again = await post({ type: "custom.retry", data: { n: 1 }, id: "abc-1" });
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect((again.json["accepted"] as { duplicate: boolean }[])[0]!.duplicate).toBe(true);
    expect(await readStream(nc, EVENTS_STREAM, "events.custom.retry")).toHaveLength(1);
  });

  it("answers 401 without a token and 403 with a wrong one, as problem+json", async () => {
    const none = await post({ type: "custom.x", data: {} }, null);
    expect(none.status).toBe(401);
    expect(none.type).toBe("application/problem+json");
    expect(none.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(none.json).toMatchObject({
      type: "https://castbus.dev/problems/unauthorized",
      status: 401,
    });
    const wrong = await post({ type: "custom.x", data: {} }, "not-a-valid-token-at-all");
    expect(wrong.status).toBe(403);
    expect(wrong.json["type"]).toBe("https://castbus.dev/problems/forbidden");
  });

  it("answers 413 for a body over the limit and 415 for a non-JSON content type", async () => {
    const big = await post({ type: "custom.x", data: { blob: "x".repeat(4000) } });
    expect(big.status).toBe(413);
    expect(big.json["type"]).toBe("https://castbus.dev/problems/payload-too-large");
    const text = await post("hello", CI_TOKEN, { "content-type": "text/plain" });
    expect(text.status).toBe(415);
  });

  it("answers 400 for broken JSON and 422 naming every invalid field", async () => {
    expect((await post("{not json")).status).toBe(400);
    const res = await post([
      { type: "twitch.follow", data: {} },
      { type: "custom.ok", data: [] },
      { type: "custom.Bad Name", data: {}, extra: 1 },
    ]);
    expect(res.status).toBe(422);
    const paths = (res.json["errors"] as { path: string }[]).map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(["0.type", "1.data", "2.type"]));
    const tooMany = await post(Array.from({ length: 6 }, () => ({ type: "custom.x", data: {} })));
    expect(tooMany.status).toBe(422);
    expect(tooMany.json["detail"]).toMatch(/at most 5/);
  });

  it("rate-limits per token with 429 and Retry-After, without affecting other tokens", async () => {
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 3; i++) {
      const res = await post(
        Array.from({ length: 4 }, () => ({ type: "custom.rate", data: {} })),
        OVERLAY_TOKEN,
      );
      statuses.push(res.status);
      if (res.status === 429) retryAfter = res.headers.get("retry-after");
    }
    expect(statuses).toEqual([202, 202, 429]);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    expect((await post({ type: "custom.rate", data: {} }, CI_TOKEN)).status).toBe(202);
  });

  it("serves an OpenAPI 3.1 document generated from the request schemas", async () => {
    interface OpenApi {
      openapi: string;
      components: { schemas: Record<string, { required?: string[] }> };
      paths: Record<string, { post: { responses: Record<string, unknown> } }>;
    }
    const doc = (await (
      await fetch(`http://127.0.0.1:${gateway.port}/openapi.json`)
    ).json()) as OpenApi;
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.components.schemas).sort()).toEqual([
      "Accepted",
      "AcceptedEvent",
      "EventInput",
      "Problem",
      "PublishRequest",
    ]);
    expect(doc.components.schemas["EventInput"]!.required).toEqual(["type", "data"]);
    expect(Object.keys(doc.paths["/v1/events"]!.post.responses)).toEqual(
      expect.arrayContaining(["202", "401", "403", "413", "422", "429", "503"]),
    );
  });

  it("answers unknown paths and methods with problems", async () => {
    expect((await fetch(`http://127.0.0.1:${gateway.port}/nope`)).status).toBe(404);
    const get = await fetch(`http://127.0.0.1:${gateway.port}/v1/events`);
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
  });

  it("never logs a token and documents every problem code in its README", async () => {
    expect(findSecret(logs.lines, CI_TOKEN)).toEqual([]);
    expect(findSecret(logs.lines, OVERLAY_TOKEN)).toEqual([]);
    const metrics = await (await fetch(`http://127.0.0.1:${gateway.telemetryPort}/metrics`)).text();
    expect(findSecret([metrics], CI_TOKEN)).toEqual([]);
    expect(metrics).toMatch(/castbus_gateway_requests_total\{status="202"\} \d+/);
    expect(logs.find("request").some((l) => l["client"] === "ci")).toBe(true);
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    for (const code of Object.keys(PROBLEMS))
      expect(readme, `README lists ${code}`).toContain(`\`${code}\``);
  });
});
