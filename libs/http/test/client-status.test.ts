import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AuthError,
  HttpClient,
  HttpError,
  HttpStatusError,
  RateLimitError,
  ServerError,
} from "../src/index.js";
import { startLocalServer, type LocalServer } from "./local-server.js";

let server: LocalServer;
let client: HttpClient;

/** `/status/<code>` answers that status; `?retry-after=` sets the header (`date+<s>`: a date). */
beforeAll(async () => {
  server = await startLocalServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://local");
    const [, route, code] = url.pathname.split("/");
    const retryAfter = url.searchParams.get("retry-after");
    if (route === "status" && code !== undefined) {
      if (retryAfter?.startsWith("date+") === true) {
        const at = new Date(Date.now() + Number(retryAfter.slice(5)) * 1000);
        res.setHeader("retry-after", at.toUTCString());
      } else if (retryAfter !== null) {
        res.setHeader("retry-after", retryAfter);
      }
      res.writeHead(Number(code));
      res.end(url.searchParams.get("body") ?? `status ${code}`);
    } else if (route === "moved") {
      res.writeHead(302, { location: "/target" });
      res.end();
    } else {
      res.end("target reached");
    }
  });
  client = new HttpClient();
});

afterAll(async () => {
  await client.close();
  await server.close();
});

async function failure(path: string): Promise<HttpError> {
  const error = await client
    .send({ url: `${server.url}${path}`, timeoutMs: 2000 })
    .then(() => undefined)
    .catch((e: unknown) => e);
  if (!(error instanceof HttpError)) throw new Error(`expected an HttpError, got ${String(error)}`);
  return error;
}

describe("HttpClient status handling", () => {
  it.each([200, 201, 204, 299])("returns a %i response", async (status) => {
    const response = await client.send({ url: `${server.url}/status/${status}`, timeoutMs: 2000 });
    expect(response.status).toBe(status);
  });

  it("throws a retryable RateLimitError with retryAfterMs for 429 with Retry-After: 2", async () => {
    const error = await failure("/status/429?retry-after=2");
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({
      name: "RateLimitError",
      kind: "rate_limit",
      retryable: true,
      status: 429,
      retryAfterMs: 2000,
    });
  });

  it("parses Retry-After given as an HTTP date", async () => {
    const error = await failure("/status/429?retry-after=date%2B5");
    expect(error).toBeInstanceOf(RateLimitError);
    // HTTP dates have whole-second resolution, so up to a second is lost on the way.
    expect(error.retryAfterMs).toBeGreaterThan(3000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(5000);
  });

  it("leaves retryAfterMs undefined when a 429 has no Retry-After", async () => {
    const error = await failure("/status/429");
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.retryAfterMs).toBeUndefined();
  });

  it("keeps Retry-After on a 503 too", async () => {
    const error = await failure("/status/503?retry-after=7");
    expect(error).toBeInstanceOf(ServerError);
    expect(error.retryAfterMs).toBe(7000);
  });

  it.each([500, 502, 503, 504, 520, 521, 522, 523, 524])(
    "throws a retryable ServerError for %i",
    async (status) => {
      const error = await failure(`/status/${status}`);
      expect(error).toBeInstanceOf(ServerError);
      expect(error).toMatchObject({ kind: "server", retryable: true, status });
    },
  );

  it.each([501, 505])("throws a non-retryable ServerError for %i", async (status) => {
    const error = await failure(`/status/${status}`);
    expect(error).toBeInstanceOf(ServerError);
    expect(error).toMatchObject({ kind: "server", retryable: false, status });
  });

  it.each([401, 403])("throws a non-retryable AuthError for %i", async (status) => {
    const error = await failure(`/status/${status}`);
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({ name: "AuthError", kind: "auth", retryable: false, status });
  });

  it.each([400, 404, 409, 410, 422])(
    "throws a non-retryable HttpStatusError for %i",
    async (status) => {
      const error = await failure(`/status/${status}`);
      expect(error).toBeInstanceOf(HttpStatusError);
      expect(error).toMatchObject({ kind: "status", retryable: false, status });
    },
  );

  it.each([408, 425])("throws a retryable HttpStatusError for %i", async (status) => {
    const error = await failure(`/status/${status}`);
    expect(error).toBeInstanceOf(HttpStatusError);
    expect(error).toMatchObject({ kind: "status", retryable: true, status });
  });

  it("does not follow redirects: a 302 is an HttpStatusError and the target is never asked", async () => {
    const before = server.requests.filter((path) => path === "/target").length;
    const error = await failure("/moved");
    expect(error).toBeInstanceOf(HttpStatusError);
    expect(error).toMatchObject({ status: 302, retryable: false });
    expect(server.requests.filter((path) => path === "/target").length).toBe(before);
  });

  it("returns a status accepted by acceptStatus instead of throwing", async () => {
    const response = await client.send({
      url: `${server.url}/status/404?body=no%20such%20room`,
      timeoutMs: 2000,
      acceptStatus: (status) => status === 404,
    });
    expect(response.status).toBe(404);
    expect(response.body.toString("utf8")).toBe("no such room");
  });

  it("still throws for statuses acceptStatus does not accept", async () => {
    const error = await client
      .send({
        url: `${server.url}/status/500`,
        timeoutMs: 2000,
        acceptStatus: (status) => status === 404,
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerError);
  });

  it("keeps the first 200 characters of the body as bodySnippet", async () => {
    const long = "x".repeat(500);
    const error = await failure(`/status/400?body=${long}`);
    expect(error.bodySnippet).toBe("x".repeat(200));
    const short = await failure("/status/400?body=bad%20cursor");
    expect(short.bodySnippet).toBe("bad cursor");
  });

  it("names the status in the message", async () => {
    const error = await failure("/status/404");
    expect(error.message).toBe(`${server.url}/status/404 answered HTTP 404`);
  });
});
