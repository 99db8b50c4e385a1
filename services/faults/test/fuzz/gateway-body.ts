import { MAX_BATCH, MAX_BODY_BYTES, MAX_DEPTH, post, type GatewayCase } from "./gateway-request.js";
import type { Random } from "./random.js";
import {
  DEEP_HOSTILE,
  DEEP_SAFE,
  HOSTILE_STRINGS,
  LOOKALIKE_STRINGS,
  PROTO_KEYS,
  deep,
  deepText,
  hugeString,
} from "./values.js";

/**
 * Request bodies for the gateway: not JSON (400, also invalid UTF-8), JSON that breaks the
 * request schema (422: types, data, ids, times, unknown keys, batches), and JSON that bends it
 * without breaking it (202).
 */

/** What one drawn body needs. */
interface Draw {
  readonly random: Random;
  readonly index: number;
  readonly id: string;
  readonly token: string;
  readonly event: Record<string, unknown>;
}

const bad = (d: Draw, family: string, body: unknown, extra: Partial<GatewayCase> = {}) =>
  post(`invalid:${family}`, d.token, body, 422, [], extra);
const ok = (d: Draw, family: string, body: unknown, ids: readonly string[] = [d.id]) =>
  post(`valid:${family}`, d.token, body, 202, ids);

/** One body case; the event ids are `fz-<index>`. */
export function bodyCase(
  random: Random,
  index: number,
  token: string,
  event: Record<string, unknown>,
): GatewayCase {
  const d: Draw = { random, index, id: `fz-${index}`, token, event };
  if (random.chance(1 / 8)) return random.chance(0.2) ? invalidUtf8(d) : invalidJson(d);
  return random.pick(BODIES)(d);
}

/** Invalid UTF-8, outside strings or inside one: not JSON text (400), never stored as U+FFFD. */
function invalidUtf8(d: Draw): GatewayCase {
  const bytes = (values: number[]) => Buffer.from(values);
  if (d.random.chance(0.5)) {
    const prefix = bytes(d.random.pick([[0xff, 0xfe], [0x80], [0xc3, 0x28]]));
    return post(
      "invalidUtf8:outsideString",
      d.token,
      Buffer.concat([prefix, Buffer.from(JSON.stringify(d.event))]),
      400,
    );
  }
  const invalid = bytes(
    d.random.pick([
      [0xff],
      [0xc3],
      [0xed, 0xa0, 0x80],
      [0xf8, 0x88, 0x80, 0x80, 0x80],
      [0xc0, 0xaf],
    ]),
  );
  const body = Buffer.concat([
    Buffer.from('{"type":"custom.utf8","data":{"t":"'),
    invalid,
    Buffer.from(`"},"id":"${d.id}"}`),
  ]);
  return post("invalidUtf8:inString", d.token, body, 400);
}

function invalidJson(d: Draw): GatewayCase {
  const text = JSON.stringify(d.event);
  const body = d.random.pick([
    text.slice(0, d.random.int(0, text.length - 1)),
    `${text.slice(0, -1)},}`,
    text.replaceAll('"', "'"),
    `${text}${text}`,
    `${text} // comment`,
    `{"type":"custom.a","data":{"n":NaN},"id":"${d.id}"}`,
    `{"type":"custom.a","data":{"n":0x10},"id":"${d.id}"}`,
    `[${text},]`,
    " \n\t ",
    "undefined",
    `{"type":"custom.a","data":{},"id":"${d.id}"`,
  ]);
  return post("invalidJson", d.token, body, 400);
}

const BAD_TYPES: unknown[] = [
  undefined,
  5,
  null,
  "",
  "alert",
  "custom",
  "custom.",
  "custom.A",
  "custom.a..b",
  "custom.a b",
  "custom.>",
  "custom.*",
  "Custom.a",
  "chaturbate.tip",
  "custom.a.",
  ".custom.a",
  "custom.ü",
  ["custom.a"],
];
const BAD_IDS = (id: string): unknown[] => [
  "",
  "a".repeat(129),
  "a b",
  "a/b",
  "ü",
  "a\nb",
  5,
  null,
  [id],
  `${id}*`,
  `${id}>`,
];
const BAD_TIMES: unknown[] = [
  "2025-11-05",
  "2025-11-05T18:22:41",
  "2025-11-05 18:22:41Z",
  "2025-13-01T00:00:00Z",
  "2025-02-30T00:00:00Z",
  "2025-11-05T24:00:00Z",
  "2025-11-05T18:22:41+24:00",
  "yesterday",
  1_762_366_961,
  null,
  "",
];
const GOOD_TIMES = [
  "2025-11-05T18:22:41Z",
  "2025-11-05T18:22:41.123456789Z",
  "2025-11-05T18:22:41+05:30",
  "1970-01-01T00:00:00Z",
  "2000-02-29T23:59:59-23:59",
];
const UNKNOWN_KEYS = [...PROTO_KEYS, "extra", "source", "specversion", "datacontenttype", "Type"];

/** Body faults and bends, one small generator each. */
const BODIES: readonly ((d: Draw) => GatewayCase)[] = [
  (d) =>
    bad(
      d,
      "notAnObject",
      JSON.stringify(
        d.random.pick<unknown>([5, "event", null, true, [5], [null], [[d.event]], d.id]),
      ),
    ),
  (d) => bad(d, "emptyBatch", []),
  (d) => bad(d, "batchTooLarge", batch(d, d.random.int(MAX_BATCH + 1, 400))),
  (d) =>
    bad(d, "type", {
      ...d.event,
      type: d.random.pick([...BAD_TYPES, d.random.pick(HOSTILE_STRINGS)]),
    }),
  (d) =>
    // Past the 255-character limit; past 4 KB a subject no longer fits a NATS control line.
    bad(d, "typeTooLong", {
      ...d.event,
      type: `custom.${"a".repeat(d.random.pick([d.random.int(249, 4_000), d.random.int(4_100, 20_000)]))}`,
    }),
  (d) => ok(d, "longType", { ...d.event, type: `custom.${"a".repeat(d.random.int(100, 248))}` }),
  (d) =>
    bad(d, "data", {
      ...d.event,
      data: d.random.pick<unknown>([undefined, null, [], [1], "data", 5, true]),
    }),
  (d) => bad(d, "id", { ...d.event, id: d.random.pick(BAD_IDS(d.id)) }),
  (d) => {
    const odd = d.random.pick([
      `${d.id}-${"x".repeat(128)}`.slice(0, 128),
      `${d.id}.A_b:c-d`,
      `${d.id}::`,
    ]);
    return ok(d, "oddId", { ...d.event, id: odd }, [odd]);
  },
  (d) => bad(d, "time", { ...d.event, time: d.random.pick(BAD_TIMES) }),
  (d) => ok(d, "time", { ...d.event, time: d.random.pick(GOOD_TIMES) }),
  (d) => bad(d, "timeOverflow", { ...d.event, time: "9999-12-31T23:59:59-23:59" }),
  (d) =>
    bad(
      d,
      "unknownKey",
      Object.assign(JSON.parse(`{"${d.random.pick(UNKNOWN_KEYS)}":1}`) as object, d.event),
    ),
  (d) => {
    const events: Record<string, unknown>[] = batch(d, d.random.int(2, 20));
    events[d.random.int(0, events.length - 1)] = { ...d.event, id: `${d.id}-bad`, type: "nope" };
    return bad(d, "mixedBatch", events);
  },
  (d) => {
    const where = d.random.pick(["type", "id", "time", "extra"]);
    const depth = d.random.pick([...DEEP_SAFE, ...DEEP_HOSTILE]);
    const body = `{"type":"custom.a","data":{},"${where}":${deepText(depth, "mixed")}}`;
    return bad(d, "deepOutsideData", body, {
      statuses: [body.length > MAX_BODY_BYTES ? 413 : 422],
    });
  },
  (d) => {
    const depth = d.random.pick([MAX_DEPTH, ...DEEP_SAFE, ...DEEP_HOSTILE]);
    const body = `{"type":"custom.deep","data":{"x":${deepText(depth, "array")}},"id":"${d.id}"}`;
    return bad(d, "deepData", body, { statuses: [body.length > MAX_BODY_BYTES ? 413 : 422] });
  },
  (d) => ok(d, "oddData", { ...d.event, data: oddData(d.random) }),
  (d) => ok(d, "oddData", { ...d.event, data: oddData(d.random) }),
  (d) => {
    const events = batch(d, d.random.int(2, MAX_BATCH));
    return ok(
      d,
      "batch",
      events,
      events.map((e) => e["id"] as string),
    );
  },
];

function batch(d: Draw, size: number): Record<string, unknown>[] {
  return Array.from({ length: size }, (_, k) => ({ ...d.event, id: `${d.id}-${k}` }));
}

/** Data that is odd but a JSON object: any such object is a valid custom payload. */
function oddData(random: Random): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  data[random.pick(PROTO_KEYS.filter((k) => k !== "__proto__"))] = random.pick(LOOKALIKE_STRINGS);
  data[random.pick(HOSTILE_STRINGS)] = random.pick(HOSTILE_STRINGS);
  data["deep"] = deep(random.int(1, MAX_DEPTH - 2), "mixed");
  if (random.chance(0.2)) data["blob"] = hugeString(random, random.int(10_000, 200_000));
  data[`k${"e".repeat(random.int(100, 5_000))}y`] = [1.5, -0, 2 ** 53, 1e308, null, true];
  return data;
}
