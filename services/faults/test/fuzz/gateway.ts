import { bodyCase } from "./gateway-body.js";
import { MAX_BODY_BYTES, goodEvent, post, type GatewayCase } from "./gateway-request.js";
import type { Random } from "./random.js";
import { hugeString } from "./values.js";

/**
 * Malformed requests to the gateway's `POST /v1/events`, from its contract (`services/gateway/
 * README.md` "Problems", `src/schema.ts`): each with the status it must get — 4xx with
 * `application/problem+json` for every fault, 202 for the surprising but valid ones. This file
 * covers the request around the body (auth, method, path, content type, size); the body itself
 * is `gateway-body.ts`.
 */

/** What one drawn fault needs: the well-formed request it starts from. */
interface Draw {
  readonly random: Random;
  readonly token: string;
  readonly id: string;
  readonly base: GatewayCase;
}

/** The base request with headers replaced (`undefined` removes one). */
function withHeaders(
  d: Draw,
  family: string,
  headers: Record<string, string | undefined>,
  status: number,
): GatewayCase {
  const merged = Object.entries({ ...d.base.headers, ...headers }).filter(
    (entry): entry is [string, string] => entry[1] !== undefined,
  );
  return {
    ...d.base,
    family,
    headers: Object.fromEntries(merged),
    statuses: [status],
    ids: status === 202 ? [d.id] : [],
  };
}

const AUTH = (token: string): [string | undefined, number][] => [
  [undefined, 401],
  ["Basic Zm9vOmJhcg==", 401],
  ["Bearer", 401],
  ["Bearer ", 401],
  [`Bearer ${token} extra`, 401],
  [`Token ${token}`, 401],
  ["Bearer wrong-token-0123456789abcdef", 403],
  [`Bearer ${token.toUpperCase()}`, 403],
  [`Bearer ${token}x`, 403],
  [`bearer ${token}`, 202],
  [`BEARER   ${token}  `, 202],
];

const PATHS: [string, number][] = [
  ["/v1/event", 404],
  ["/v1/events/", 404],
  ["/V1/events", 404],
  ["/v1/events%20", 404],
  ["/v2/events", 404],
  ["//v1/events", 404],
  ["/v1/events/../events", 404],
  ["/v1/events;x=1", 404],
  ["/", 404],
  [`/v1/events/${"a".repeat(5000)}`, 404],
  ["/v1/events?x=1", 202],
  ["/v1/events?", 202],
];

const CONTENT_TYPES: [string | undefined, number][] = [
  [undefined, 415],
  ["", 415],
  ["text/plain", 415],
  ["application/x-www-form-urlencoded", 415],
  ["multipart/form-data; boundary=x", 415],
  ["application/jsonx", 415],
  ["application/json-seq", 415],
  ["application/problem+json", 415],
  ["json", 415],
  ["APPLICATION/JSON", 202],
  ["application/json; charset=utf-8", 202],
  ["application/json;charset=latin1", 202],
];

/** Faults of the request around the body, by name. */
const REQUEST_FAULTS: readonly ((d: Draw) => GatewayCase)[] = [
  (d) => {
    const [auth, status] = d.random.pick(AUTH(d.token));
    return withHeaders(d, `auth:${status}`, { authorization: auth }, status);
  },
  (d) => {
    const method = d.random.pick(["GET", "PUT", "DELETE", "PATCH", "OPTIONS"]);
    return { ...d.base, family: "method", method, statuses: [405], ids: [] };
  },
  (d) => {
    const [path, status] = d.random.pick(PATHS);
    return {
      ...d.base,
      family: `path:${status}`,
      path,
      statuses: [status],
      ids: status === 202 ? [d.id] : [],
    };
  },
  (d) => {
    const [type, status] = d.random.pick(CONTENT_TYPES);
    return withHeaders(d, `contentType:${status}`, { "content-type": type }, status);
  },
  (d) => {
    const blob = hugeString(d.random, d.random.int(MAX_BODY_BYTES + 1, 1_000_000));
    const body = d.random.chance(0.5)
      ? JSON.stringify({ type: "custom.big", data: { blob }, id: d.id })
      : blob;
    return post("tooLarge", d.token, body, 413);
  },
];

/** One malformed (or surprising but valid) request; event ids are `fz-<index>`. */
export function gatewayCase(random: Random, index: number, token: string): GatewayCase {
  const id = `fz-${index}`;
  const event = goodEvent(random, id);
  const draw: Draw = { random, token, id, base: post("good", token, event, 202, [id]) };
  const roll = random.int(0, 12);
  return roll < REQUEST_FAULTS.length
    ? REQUEST_FAULTS[roll]!(draw)
    : bodyCase(random, index, token, event);
}
