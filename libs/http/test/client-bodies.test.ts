import { brotliCompressSync, deflateSync, gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BodyError, HttpClient, header } from "../src/index.js";
import { readBody, startLocalServer, type LocalServer } from "./local-server.js";

const TEXT = JSON.stringify({ events: [{ method: "tip", id: "1" }], nextUrl: "/next" }).repeat(50);

const encoders: Record<string, (body: Buffer) => Buffer> = {
  gzip: gzipSync,
  "x-gzip": gzipSync,
  deflate: deflateSync,
  br: brotliCompressSync,
  identity: (body) => body,
};

let server: LocalServer;
let client: HttpClient;

beforeAll(async () => {
  server = await startLocalServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://local");
    const encoding = url.searchParams.get("encoding");
    const encode = encoding === null ? undefined : encoders[encoding];
    if (url.pathname === "/echo") {
      void readBody(req).then((body) => {
        res.setHeader("content-type", "application/json");
        res.setHeader("x-multi", ["first", "second"]);
        res.end(JSON.stringify({ method: req.method, headers: req.headers, body }));
      });
    } else if (url.pathname === "/encoded" && encoding !== null) {
      res.writeHead(200, { "content-encoding": encoding });
      res.end(encode === undefined ? Buffer.from(TEXT) : encode(Buffer.from(TEXT)));
    } else if (url.pathname === "/corrupt" && encoding !== null) {
      res.writeHead(200, { "content-encoding": encoding });
      res.end("this was never compressed");
    } else if (url.pathname === "/bomb") {
      // ~100 bytes on the wire, 1 MB once decoded.
      res.writeHead(200, { "content-encoding": "gzip" });
      res.end(gzipSync(Buffer.alloc(1_000_000)));
    } else if (url.pathname === "/large") {
      res.end(Buffer.alloc(64 * 1024, "a"));
    } else {
      res.end("ok");
    }
  });
  client = new HttpClient({ userAgent: "castbus-test/1.0" });
});

afterAll(async () => {
  await client.close();
  await server.close();
});

describe("HttpClient responses", () => {
  it("reads a 200 response: status, headers and the whole body", async () => {
    const response = await client.send({ url: `${server.url}/plain`, timeoutMs: 2000 });
    expect(response.status).toBe(200);
    expect(response.body.toString("utf8")).toBe("ok");
    expect(header(response.headers, "content-length")).toBe("2");
  });

  it("sends method, body, its user agent, accept-encoding and the caller's headers", async () => {
    const response = await client.send({
      url: `${server.url}/echo`,
      method: "POST",
      headers: { "content-type": "application/json", "x-request-id": "r-1" },
      body: '{"hello":"world"}',
      timeoutMs: 2000,
    });
    const echoed = JSON.parse(response.body.toString("utf8")) as {
      method: string;
      headers: Record<string, string>;
      body: string;
    };
    expect(echoed.method).toBe("POST");
    expect(echoed.body).toBe('{"hello":"world"}');
    expect(echoed.headers["user-agent"]).toBe("castbus-test/1.0");
    expect(echoed.headers["accept-encoding"]).toBe("gzip, deflate, br");
    expect(echoed.headers["x-request-id"]).toBe("r-1");
  });

  it("lets the caller's headers override the defaults", async () => {
    const response = await client.send({
      url: `${server.url}/echo`,
      headers: { "user-agent": "override", "accept-encoding": "identity" },
      timeoutMs: 2000,
    });
    const echoed = JSON.parse(response.body.toString("utf8")) as {
      headers: Record<string, string>;
    };
    expect(echoed.headers["user-agent"]).toBe("override");
    expect(echoed.headers["accept-encoding"]).toBe("identity");
  });

  it("header() returns the first value of a repeated header and undefined for a missing one", async () => {
    const response = await client.send({ url: `${server.url}/echo`, timeoutMs: 2000 });
    expect(header(response.headers, "x-multi")).toBe("first");
    expect(header(response.headers, "x-missing")).toBeUndefined();
  });

  it.each(["gzip", "x-gzip", "deflate", "br", "identity"])(
    "decodes a body sent with content-encoding %s",
    async (encoding) => {
      const response = await client.send({
        url: `${server.url}/encoded?encoding=${encoding}`,
        timeoutMs: 2000,
      });
      expect(response.body.toString("utf8")).toBe(TEXT);
    },
  );

  it("rejects an unsupported content-encoding with a non-retryable BodyError", async () => {
    const error = await client
      .send({ url: `${server.url}/encoded?encoding=compress`, timeoutMs: 2000 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BodyError);
    expect(error).toMatchObject({ kind: "body", retryable: false });
  });

  // A corrupt body is a fault of this one response; fetching again can get a good one.
  it.each(["gzip", "deflate", "br"])(
    "rejects a corrupt %s body with a retryable BodyError",
    async (encoding) => {
      const error = await client
        .send({ url: `${server.url}/corrupt?encoding=${encoding}`, timeoutMs: 2000 })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BodyError);
      expect(error).toMatchObject({ kind: "body", retryable: true });
    },
  );

  it("rejects a body larger than maxBodyBytes on the wire with a non-retryable BodyError", async () => {
    const small = new HttpClient({ maxBodyBytes: 1024 });
    try {
      const error = await small
        .send({ url: `${server.url}/large`, timeoutMs: 2000 })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BodyError);
      expect(error).toMatchObject({ kind: "body", retryable: false });
    } finally {
      await small.close();
    }
  });

  it("rejects a small compressed body that decodes past maxBodyBytes", async () => {
    const small = new HttpClient({ maxBodyBytes: 64 * 1024 });
    try {
      const error = await small
        .send({ url: `${server.url}/bomb`, timeoutMs: 2000 })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BodyError);
      expect(error).toMatchObject({ kind: "body", retryable: false });
      expect((error as BodyError).message).toContain("too large");
    } finally {
      await small.close();
    }
  });
});
