import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpClient, HttpError, NetworkError, TimeoutError } from "../src/index.js";
import { refusingUrl, startLocalServer, type LocalServer } from "./local-server.js";

const FAKE_TOKEN = "tok3nInPathZ9x8c7v6b5n4m";
const CURSOR = "cursorInQueryQ1w2e3r4";

let server: LocalServer;
let client: HttpClient;

beforeAll(async () => {
  server = await startLocalServer((req, res) => {
    const route = new URL(req.url ?? "/", "http://local").pathname.split("/")[1];
    if (route === "hang") return; // never answers; the server closes it in afterAll
    if (route === "destroy") {
      req.socket.destroy();
    } else if (route === "cut") {
      res.writeHead(200, { "content-length": "1000" });
      res.write("x".repeat(100));
      setTimeout(() => res.socket?.destroy(), 20);
    } else if (route === "trickle") {
      res.writeHead(200);
      const timer = setInterval(() => res.write("x"), 50);
      res.on("close", () => clearInterval(timer));
    } else if (route === "unauthorized") {
      res.writeHead(401);
      res.end("token revoked");
    } else if (route === "unavailable") {
      res.writeHead(503);
      res.end();
    } else {
      res.end("ok");
    }
  });
  client = new HttpClient();
});

afterAll(async () => {
  await client.close();
  await server.close();
});

async function failure(
  path: string,
  extra: { timeoutMs?: number; redactedUrl?: string; base?: string } = {},
): Promise<HttpError> {
  const error = await client
    .send({
      url: `${extra.base ?? server.url}${path}`,
      timeoutMs: extra.timeoutMs ?? 2000,
      ...(extra.redactedUrl === undefined ? {} : { redactedUrl: extra.redactedUrl }),
    })
    .then(() => undefined)
    .catch((e: unknown) => e);
  if (!(error instanceof HttpError)) throw new Error(`expected an HttpError, got ${String(error)}`);
  return error;
}

describe("HttpClient failures", () => {
  it("throws a retryable TimeoutError after about timeoutMs when the server never answers", async () => {
    const started = performance.now();
    const error = await failure("/hang", { timeoutMs: 300 });
    const elapsed = performance.now() - started;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toMatchObject({ kind: "timeout", retryable: true, status: undefined });
    expect(error.message).toContain("no response within 300 ms");
    expect(elapsed).toBeGreaterThanOrEqual(280);
    expect(elapsed).toBeLessThan(1300);
  });

  it("applies the deadline to the body too: a trickling body times out", async () => {
    const started = performance.now();
    const error = await failure("/trickle", { timeoutMs: 400 });
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.retryable).toBe(true);
    expect(performance.now() - started).toBeLessThan(1400);
  });

  it("throws a retryable NetworkError when the connection is destroyed before a response", async () => {
    const error = await failure("/destroy");
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({ kind: "network", retryable: true, status: undefined });
  });

  // BodyError's JSDoc lists "truncated"; today the client reports this as a NetworkError.
  // Either way it must be retryable: the next attempt can get the whole body.
  it("throws a retryable HttpError when the response is cut mid-body", async () => {
    const error = await failure("/cut");
    expect(error.retryable).toBe(true);
    expect(["network", "body"]).toContain(error.kind);
  });

  it("throws a retryable NetworkError when the connection is refused", async () => {
    const error = await failure("/events", { base: await refusingUrl() });
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({ kind: "network", retryable: true });
    expect(error.message).toContain("ECONNREFUSED");
  });

  it("keeps the error's cause for diagnostics", async () => {
    const error = await failure("/destroy");
    expect(error.cause).toBeInstanceOf(Error);
  });
});

describe("HttpClient error messages", () => {
  const path = `/events/alice/${FAKE_TOKEN}/`;
  const redacted = () => `${server.url}/events/alice/<token>/`;

  it.each([
    { route: "unauthorized", kind: "auth" },
    { route: "unavailable", kind: "server" },
    { route: "destroy", kind: "network" },
    { route: "hang", kind: "timeout" },
  ])("uses redactedUrl and never the real path for a $kind failure", async ({ route }) => {
    const error = await failure(`/${route}${path}?i=${CURSOR}`, {
      redactedUrl: redacted(),
      timeoutMs: 300,
    });
    expect(error.message.startsWith(redacted())).toBe(true);
    for (const text of [error.message, String(error), inspect(error, { depth: 10 })]) {
      expect(text).not.toContain(FAKE_TOKEN);
      expect(text).not.toContain(CURSOR);
    }
  });

  it("uses redactedUrl for a refused connection", async () => {
    const base = await refusingUrl();
    const error = await failure(`${path}?i=${CURSOR}`, { base, redactedUrl: `${base}/<token>` });
    expect(error.message).toBe(`${base}/<token>: ECONNREFUSED`);
    expect(inspect(error, { depth: 10 })).not.toContain(FAKE_TOKEN);
  });

  it("without redactedUrl names origin and path but drops the query string", async () => {
    const error = await failure(`/unavailable/room?i=${CURSOR}`);
    expect(error.message).toBe(`${server.url}/unavailable/room answered HTTP 503`);
    expect(String(error)).not.toContain(CURSOR);
  });

  it("drops credentials in the URL's userinfo when there is no redactedUrl", async () => {
    const withCredentials = server.url.replace("http://", `http://alice:${FAKE_TOKEN}@`);
    const error = await failure("/unavailable", { base: withCredentials });
    expect(error.message).toBe(`${server.url}/unavailable answered HTTP 503`);
    expect(String(error)).not.toContain(FAKE_TOKEN);
  });
});

describe("HttpClient with the caller's AbortSignal", () => {
  it("rejects with the signal's reason, not an HttpError, when aborted mid-request", async () => {
    const controller = new AbortController();
    const reason = new Error("shutting down");
    setTimeout(() => controller.abort(reason), 50);
    const started = performance.now();
    const error = await client
      .send({ url: `${server.url}/hang`, timeoutMs: 5000, signal: controller.signal })
      .catch((e: unknown) => e);
    expect(error).toBe(reason);
    expect(error).not.toBeInstanceOf(HttpError);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it("rejects at once with the reason of an already aborted signal", async () => {
    const reason = new Error("already stopped");
    const error = await client
      .send({ url: `${server.url}/ok`, timeoutMs: 5000, signal: AbortSignal.abort(reason) })
      .catch((e: unknown) => e);
    expect(error).toBe(reason);
  });

  it("rejects with the default AbortError when aborted without a reason", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const error = await client
      .send({ url: `${server.url}/hang`, timeoutMs: 5000, signal: controller.signal })
      .catch((e: unknown) => e);
    expect(error).toBe(controller.signal.reason);
    expect((error as Error).name).toBe("AbortError");
    expect(error).not.toBeInstanceOf(HttpError);
  });

  it("still reports its own deadline as a TimeoutError when the caller's signal did not fire", async () => {
    const controller = new AbortController();
    const error = await client
      .send({ url: `${server.url}/hang`, timeoutMs: 200, signal: controller.signal })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
  });
});
