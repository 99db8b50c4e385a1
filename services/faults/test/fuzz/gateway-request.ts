import type { Random } from "./random.js";

/**
 * A request to the gateway and the answer it must get, and the well-formed request every fuzz
 * case starts from (the contract: `services/gateway/README.md` "Problems", `src/schema.ts`).
 */

/** One HTTP request and the answer it must get. */
export interface GatewayCase {
  readonly family: string;
  readonly method: string;
  /** The request target exactly as sent (no normalization). */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  /** The statuses that are right (any 4xx a client can act on, where several fit). */
  readonly statuses: readonly number[];
  /** Envelope ids (`custom:<client>:` left out) a 202 must publish. */
  readonly ids: readonly string[];
}

/** The API's own limits (its defaults). */
export const MAX_BODY_BYTES = 256 * 1024;
export const MAX_BATCH = 100;
/** Deepest nesting of a body (objects and arrays). */
export const MAX_DEPTH = 64;

/** A well-formed event with id `id`. */
export function goodEvent(random: Random, id: string): Record<string, unknown> {
  return {
    type: random.pick([
      "custom.alert",
      "custom.fuzz.tick",
      "custom.overlay-update",
      "custom.a_b.c-d",
    ]),
    data: { text: `hello ${id}`, n: random.int(0, 1e6), nested: { ok: true } },
    id,
  };
}

/** A `POST /v1/events` with a JSON content type, authenticated with `token`. */
export function post(
  family: string,
  token: string,
  body: unknown,
  status: number,
  ids: readonly string[] = [],
  extra: Partial<GatewayCase> = {},
): GatewayCase {
  const bytes = Buffer.isBuffer(body)
    ? body
    : Buffer.from(typeof body === "string" ? body : JSON.stringify(body));
  return {
    family,
    method: "POST",
    path: "/v1/events",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: bytes,
    statuses: [status],
    ids,
    ...extra,
  };
}

/** A valid single-event request. */
export function goodRequest(random: Random, token: string, id: string): GatewayCase {
  return post("good", token, goodEvent(random, id), 202, [id]);
}
