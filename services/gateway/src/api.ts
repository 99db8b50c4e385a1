import { createEnvelope, subjectForType } from "@castbus/events";
import type { Publisher } from "@castbus/nats";
import type { Logger, Metrics } from "@castbus/telemetry";
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { BodyTooLargeError, readBody } from "./body.js";
import { bodyShapeProblem, decodeUtf8 } from "./json-shape.js";
import type { GatewayConfig } from "./config.js";
import { problem, type FieldError, type ProblemCode } from "./problems.js";
import type { RateLimiter } from "./rate-limit.js";
import { eventInputSchema, type EventInput } from "./schema.js";
import type { TokenAuth } from "./tokens.js";

/** What the API handler is built from. */
export interface ApiDeps {
  readonly config: GatewayConfig;
  readonly auth: TokenAuth;
  readonly limiter: RateLimiter;
  readonly publisher: Publisher;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly openapi: Record<string, unknown>;
}

/** Thrown inside a request to answer with a problem. */
class Answer extends Error {
  constructor(
    readonly code: ProblemCode,
    readonly detail?: string,
    readonly errors?: readonly FieldError[],
    readonly headers: Record<string, string> = {},
  ) {
    super(code);
  }
}

/** The gateway's HTTP handler: `POST /v1/events` and `GET /openapi.json`. */
export function apiHandler(deps: ApiDeps) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = performance.now();
    let client = "-";
    let status: number;
    try {
      const path = (req.url ?? "/").split("?", 1)[0];
      if (path === "/openapi.json" && req.method === "GET") {
        status = send(res, 200, deps.openapi, "application/json");
      } else if (path !== "/v1/events") {
        throw new Answer("not-found");
      } else if (req.method !== "POST") {
        throw new Answer("method-not-allowed", undefined, undefined, { allow: "POST" });
      } else {
        client = authenticate(deps, req);
        status = send(
          res,
          202,
          { accepted: await publishRequest(deps, req, client) },
          "application/json",
        );
      }
    } catch (error) {
      status = answerError(deps, res, error);
    }
    deps.metrics.gatewayRequests.inc({ status: String(status) });
    deps.logger.info(
      {
        method: req.method,
        path: req.url,
        client,
        status,
        ms: Math.round(performance.now() - started),
      },
      "request",
    );
  };
}

function authenticate(deps: ApiDeps, req: IncomingMessage): string {
  const result = deps.auth.check(req.headers.authorization);
  if (result.ok) return result.name;
  throw result.status === 401
    ? new Answer("unauthorized", undefined, undefined, {
        "www-authenticate": 'Bearer realm="castbus"',
      })
    : new Answer("forbidden");
}

async function publishRequest(deps: ApiDeps, req: IncomingMessage, client: string) {
  const { config } = deps;
  const contentType = (req.headers["content-type"] ?? "").split(";", 1)[0]!.trim().toLowerCase();
  if (contentType !== "application/json") throw new Answer("unsupported-media-type");
  const inputs = parseEvents(
    await readLimited(req, config.GATEWAY_MAX_BODY_BYTES),
    config.GATEWAY_MAX_BATCH,
  );
  const waitMs = deps.limiter.take(client, inputs.length);
  if (waitMs > 0) {
    const retryAfter = Number.isFinite(waitMs) ? String(Math.ceil(waitMs / 1000)) : "60";
    throw new Answer(
      "rate-limited",
      `${inputs.length} events exceed this token's rate`,
      undefined,
      { "retry-after": retryAfter },
    );
  }
  const envelopes = inputs.map((input) => toEnvelope(input, client));
  const acks = Promise.all(
    envelopes.map(async (envelope) => {
      if (!deps.publisher.hasCapacity) await deps.publisher.waitForCapacity();
      const ack = await deps.publisher.publish({
        subject: subjectForType(envelope.type),
        data: Buffer.from(JSON.stringify(envelope)),
        msgId: envelope.id,
      });
      if (ack.duplicate) deps.metrics.eventsDuplicates.inc({ source: "gateway" });
      else deps.metrics.eventsPublished.inc({ source: "gateway", type: envelope.type });
      return { id: envelope.id, type: envelope.type, duplicate: ack.duplicate };
    }),
  );
  const timeout = sleep(config.GATEWAY_PUBLISH_TIMEOUT_MS, "timeout" as const, { ref: false });
  const result = await Promise.race([acks, timeout]);
  if (result === "timeout") {
    acks.catch(() => undefined); // the publishes go on; a retry with the same ids is deduplicated
    throw new Answer("unavailable", undefined, undefined, { "retry-after": "1" });
  }
  return result;
}

async function readLimited(req: IncomingMessage, limit: number): Promise<Buffer> {
  try {
    return await readBody(req, limit);
  } catch (error) {
    if (error instanceof BodyTooLargeError)
      throw new Answer("payload-too-large", `at most ${limit} bytes`);
    throw error;
  }
}

function parseEvents(body: Buffer, maxBatch: number): EventInput[] {
  const text = decodeUtf8(body);
  if (text === undefined) throw new Answer("invalid-json", "the body is not valid UTF-8");
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Answer("invalid-json", (error as Error).message);
  }
  const shape = bodyShapeProblem(json);
  if (shape !== undefined) throw new Answer("validation-failed", `the body ${shape}`);
  const batch = Array.isArray(json);
  const items: unknown[] = Array.isArray(json) ? (json as unknown[]) : [json];
  if (items.length === 0) throw new Answer("validation-failed", "the batch is empty");
  if (items.length > maxBatch)
    throw new Answer("validation-failed", `at most ${maxBatch} events per request`);
  // Each event is checked on its own so every problem is reported with its index.
  const events: EventInput[] = [];
  const errors: FieldError[] = [];
  for (const [index, item] of items.entries()) {
    const parsed = eventInputSchema.safeParse(item);
    if (parsed.success) events.push(parsed.data);
    else
      for (const issue of parsed.error.issues)
        errors.push({
          path: [...(batch ? [index] : []), ...issue.path].map(String).join("."),
          message: issue.message,
        });
  }
  if (errors.length > 0) {
    throw new Answer(
      "validation-failed",
      errors
        .map((e) => `${e.path || "(event)"}: ${e.message}`)
        .join("; ")
        .slice(0, 500),
      errors,
    );
  }
  return events;
}

function toEnvelope(input: EventInput, client: string) {
  return createEnvelope({
    // The client's name is part of the id, so two clients cannot overwrite each other's ids.
    id: `custom:${client}:${input.id ?? randomUUID()}`,
    source: `gateway/${client}`,
    type: input.type as `custom.${string}`,
    data: input.data,
    ...(input.time === undefined ? {} : { time: new Date(input.time) }),
  });
}

function answerError(deps: ApiDeps, res: ServerResponse, error: unknown): number {
  if (error instanceof Answer) {
    const body = problem(error.code, error.detail, error.errors);
    return send(res, body.status, body, "application/problem+json", error.headers);
  }
  deps.logger.error({ err: error }, "request failed");
  return send(res, 500, problem("internal"), "application/problem+json");
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  type: string,
  headers: Record<string, string> = {},
): number {
  const text = JSON.stringify(body);
  // A rejected upload may still be streaming in; close the connection rather than read it all.
  const close = status === 413 ? { connection: "close" } : {};
  res.writeHead(status, {
    "content-type": type,
    "content-length": Buffer.byteLength(text),
    ...close,
    ...headers,
  });
  res.end(text);
  return status;
}
