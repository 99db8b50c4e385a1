import { brotliDecompress, gunzip, inflate } from "node:zlib";
import { Agent, errors, request } from "undici";
import { BodyError, HttpError, NetworkError, TimeoutError, errorForStatus } from "./errors.js";
import { parseRetryAfter } from "./retry-after.js";

type Decoder = (body: Buffer, maxOutputLength: number) => Promise<Buffer>;

const zlibDecoder =
  (fn: typeof gunzip): Decoder =>
  (body, maxOutputLength) =>
    new Promise((resolve, reject) =>
      fn(body, { maxOutputLength }, (error, out) =>
        error === null ? resolve(out) : reject(error),
      ),
    );

const decoders: Record<string, Decoder> = {
  gzip: zlibDecoder(gunzip),
  "x-gzip": zlibDecoder(gunzip),
  deflate: zlibDecoder(inflate),
  br: (body, maxOutputLength) =>
    new Promise((resolve, reject) =>
      brotliDecompress(body, { maxOutputLength }, (error, out) =>
        error === null ? resolve(out) : reject(error),
      ),
    ),
};

/** Options of {@link HttpClient}. */
export interface HttpClientOptions {
  /** Max sockets per origin (one keep-alive pool shared by every request). Default 128. */
  connectionsPerOrigin?: number;
  /** TCP/TLS connect deadline. Default 10 s. */
  connectTimeoutMs?: number;
  /** Largest accepted (decoded) body. Default 16 MiB. */
  maxBodyBytes?: number;
  userAgent?: string;
}

/** One request. */
export interface HttpRequest {
  url: string | URL;
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  headers?: Record<string, string>;
  body?: string;
  /** Deadline for the whole exchange, headers and body. */
  timeoutMs: number;
  /** How the URL appears in errors — pass one without credentials when the URL has any. */
  redactedUrl?: string;
  signal?: AbortSignal;
  /** Statuses returned instead of thrown (2xx always are). */
  acceptStatus?: (status: number) => boolean;
}

/** A fully read response. */
export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The decoded body bytes (Content-Encoding undone). */
  readonly body: Buffer;
}

/**
 * An undici-based client: one keep-alive pool, an overall deadline per request, bodies read in
 * full and decoded, redirects never followed, and every failure thrown as a typed
 * {@link HttpError} that says whether retrying can help.
 */
export class HttpClient {
  readonly #agent: Agent;
  readonly #maxBodyBytes: number;
  readonly #userAgent: string;

  constructor(options: HttpClientOptions = {}) {
    this.#maxBodyBytes = options.maxBodyBytes ?? 16 * 1024 * 1024;
    this.#userAgent = options.userAgent ?? "castbus";
    this.#agent = new Agent({
      connections: options.connectionsPerOrigin ?? 128,
      connect: { timeout: options.connectTimeoutMs ?? 10_000 },
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 600_000,
      maxResponseSize: this.#maxBodyBytes,
    });
  }

  /** Sends `req` and reads the whole response. Throws {@link HttpError} on any failure. */
  async send(req: HttpRequest): Promise<HttpResponse> {
    const where = req.redactedUrl ?? describeUrl(req.url);
    const deadline = AbortSignal.timeout(req.timeoutMs);
    const signal = req.signal === undefined ? deadline : AbortSignal.any([deadline, req.signal]);
    let response: HttpResponse;
    try {
      response = await this.#exchange(req, signal, where);
    } catch (error) {
      if (req.signal?.aborted === true) throw req.signal.reason;
      throw classify(error, where, deadline.aborted, req.timeoutMs);
    }
    if ((response.status >= 200 && response.status < 300) || req.acceptStatus?.(response.status)) {
      return response;
    }
    const retryAfter = parseRetryAfter(header(response.headers, "retry-after"));
    throw errorForStatus(response.status, where, {
      ...(retryAfter === undefined ? {} : { retryAfterMs: retryAfter }),
      bodySnippet: response.body.subarray(0, 200).toString("utf8"),
    });
  }

  async #exchange(req: HttpRequest, signal: AbortSignal, where: string): Promise<HttpResponse> {
    const res = await request(req.url, {
      dispatcher: this.#agent,
      method: req.method ?? "GET",
      headers: {
        "user-agent": this.#userAgent,
        "accept-encoding": "gzip, deflate, br",
        ...req.headers,
      },
      ...(req.body === undefined ? {} : { body: req.body }),
      signal,
      headersTimeout: req.timeoutMs,
      bodyTimeout: req.timeoutMs,
    });
    const raw = Buffer.from(await res.body.arrayBuffer());
    const encoding = header(res.headers, "content-encoding")?.trim().toLowerCase();
    const decode =
      encoding === undefined || encoding === "identity" ? undefined : decoders[encoding];
    if (encoding !== undefined && encoding !== "identity" && decode === undefined) {
      throw new BodyError(`unsupported content-encoding ${encoding}`, {
        kind: "body",
        retryable: false,
      });
    }
    const body =
      decode === undefined || raw.length === 0 ? raw : await this.#decode(decode, raw, where);
    return { status: res.statusCode, headers: res.headers, body };
  }

  /** Undoes Content-Encoding, stopping at the body limit (a small gzip bomb cannot fill memory). */
  async #decode(decode: Decoder, raw: Buffer, where: string): Promise<Buffer> {
    try {
      return await decode(raw, this.#maxBodyBytes);
    } catch (error) {
      const tooLarge =
        (error as { code?: unknown }).code === "ERR_BUFFER_TOO_LARGE" ||
        error instanceof RangeError;
      throw tooLarge
        ? new BodyError(`${where}: decoded response body too large`, {
            kind: "body",
            retryable: false,
            cause: error,
          })
        : new BodyError(`${where}: body could not be decoded`, {
            kind: "body",
            retryable: true,
            cause: error,
          });
    }
  }

  /** Closes the pool; in-flight requests fail. */
  async close(): Promise<void> {
    await this.#agent.destroy();
  }
}

/** A header's first value. */
export function header(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  name: string,
): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** `origin + pathname` without query or credentials, for messages. */
function describeUrl(url: string | URL): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return "(invalid url)";
  }
}

function classify(error: unknown, where: string, timedOut: boolean, timeoutMs: number): HttpError {
  if (error instanceof HttpError) return error;
  const cause = error;
  if (
    timedOut ||
    error instanceof errors.HeadersTimeoutError ||
    error instanceof errors.BodyTimeoutError ||
    error instanceof errors.ConnectTimeoutError
  ) {
    return new TimeoutError(`${where}: no response within ${timeoutMs} ms`, {
      kind: "timeout",
      retryable: true,
      cause,
    });
  }
  if (error instanceof errors.ResponseExceededMaxSizeError) {
    return new BodyError(`${where}: response body too large`, {
      kind: "body",
      retryable: false,
      cause,
    });
  }
  const code = (error as { code?: unknown }).code;
  return new NetworkError(`${where}: ${typeof code === "string" ? code : "network error"}`, {
    kind: "network",
    retryable: true,
    cause,
  });
}
