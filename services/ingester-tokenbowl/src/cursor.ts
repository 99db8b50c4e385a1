import { createHash } from "node:crypto";
import { pythonIsoUtc, timestampMicros } from "./timestamps.js";

/**
 * The resume cursor (stored as JSON in KV `CHECKPOINTS`) and the pure logic around it.
 *
 * Per stream (room, direct) the anchor is the newest timestamp read, as the server's exact text,
 * plus the ids read at exactly that timestamp. The next read asks for `since` = anchor − 1 µs,
 * so messages sharing the anchor's timestamp come back — the ones not in `ids` are new (a tie
 * the exclusive `since` would have skipped), the rest are dropped. Message ids are the dedupe key.
 *
 * `covered` is a time up to which every message had been stored when the last read began: what
 * the gap check compares the oldest message still retained with.
 */
export interface TokenBowlCursor {
  readonly room?: StreamAnchor;
  readonly direct?: StreamAnchor;
  readonly covered?: string;
}

/** The newest timestamp of a stream that was read, and the ids read at exactly that time. */
export interface StreamAnchor {
  readonly at: string;
  readonly ids: readonly string[];
}

/** A message from a page, with what the cursor needs from it. */
export interface PageItem {
  readonly value: unknown;
  /** The message's bytes as sent (what a dead letter keeps). */
  readonly raw: string | Uint8Array;
  /** Set when its bytes are not UTF-8: dead-lettered, never published with U+FFFD in them. */
  readonly notUtf8?: true;
  /** The message id, or a digest of `raw` when it has none (still deduplicated). */
  readonly key: string;
  /** The server's timestamp text and its instant, when it has a usable one. */
  readonly timestamp?: string;
  readonly micros?: bigint;
}

/** Reads what the cursor needs from one wire message and its exact text. */
export function pageItem(value: unknown, raw: string | Uint8Array, notUtf8 = false): PageItem {
  const fields = (typeof value === "object" && value !== null ? value : {}) as Record<
    string,
    unknown
  >;
  const id = fields["id"];
  const key =
    typeof id === "string" && id !== ""
      ? id
      : `sha256:${createHash("sha256").update(raw).digest("hex").slice(0, 32)}`;
  const timestamp = typeof fields["timestamp"] === "string" ? fields["timestamp"] : undefined;
  const micros = timestamp === undefined ? undefined : timestampMicros(timestamp);
  const item =
    micros === undefined ? { value, raw, key } : { value, raw, key, timestamp: timestamp!, micros };
  return notUtf8 ? { ...item, notUtf8 } : item;
}

/** The `since` that re-reads the anchor's own timestamp (the server compares exclusively). */
export function sinceFor(anchor: StreamAnchor | undefined): string | undefined {
  const micros = anchor === undefined ? undefined : timestampMicros(anchor.at);
  return micros === undefined ? undefined : pythonIsoUtc(micros - 1n);
}

/** What one stream's read yields. */
export interface Sifted {
  /** Messages not read before, oldest first. */
  readonly fresh: readonly PageItem[];
  /** The stream's anchor after this read. */
  readonly anchor: StreamAnchor | undefined;
  /** The oldest and newest timestamps among everything returned (seen before or not). */
  readonly oldest: PageItem | undefined;
  readonly newest: bigint | undefined;
  /** How many messages with a usable time came back, read before or not. */
  readonly returned: number;
  /** Whether a message of the previous anchor came back (the server still keeps it). */
  readonly anchorKept: boolean;
}

/**
 * Splits a stream's messages (in server order, either direction) into fresh and already read,
 * and moves the anchor. Messages older than the anchor count as read (the server only returns
 * them when it ignored `since`); messages without a usable id or time are passed on as fresh,
 * to be dead-lettered.
 */
export function sift(items: readonly PageItem[], anchor: StreamAnchor | undefined): Sifted {
  const ordered = chronological(items);
  const at = anchor === undefined ? undefined : timestampMicros(anchor.at);
  const fresh = ordered.filter(
    (i) =>
      at === undefined ||
      i.micros === undefined ||
      i.micros > at ||
      (i.micros === at && !anchor!.ids.includes(i.key)),
  );
  const timed = ordered.filter((i) => i.micros !== undefined);
  const newestItem = timed.reduce<PageItem | undefined>(
    (a, i) => (a === undefined || i.micros! >= a.micros! ? i : a),
    undefined,
  );
  const oldest = timed.reduce<PageItem | undefined>(
    (a, i) => (a === undefined || i.micros! < a.micros! ? i : a),
    undefined,
  );
  const returned = timed.length;
  const anchorKept = timed.some((i) => i.micros === at && anchor!.ids.includes(i.key));
  const facts = { oldest, returned, anchorKept };
  if (newestItem === undefined) return { fresh, anchor, newest: undefined, ...facts };
  const newest = newestItem.micros!;
  const ids = new Set(timed.filter((i) => i.micros === newest).map((i) => i.key));
  if (newest === at) for (const id of anchor!.ids) ids.add(id);
  return { fresh, anchor: { at: newestItem.timestamp!, ids: [...ids] }, newest, ...facts };
}

/** Server order → oldest first: pages are newest-first since server 1.1.2, oldest-first before. */
function chronological(items: readonly PageItem[]): PageItem[] {
  const timed = items.filter((i) => i.micros !== undefined);
  const descending = timed.length > 1 && timed[0]!.micros! > timed.at(-1)!.micros!;
  return descending ? [...items].reverse() : [...items];
}

/** Merges two oldest-first lists; an item without a time goes out where its list has it. */
export function mergeChronological(a: readonly PageItem[], b: readonly PageItem[]): PageItem[] {
  const out: PageItem[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    const takeA =
      y === undefined ||
      (x !== undefined &&
        (x.micros === undefined || (y.micros !== undefined && x.micros <= y.micros)));
    out.push(takeA ? a[i++]! : b[j++]!);
  }
  return out;
}

/**
 * Reads a stored cursor. Anything that is not a cursor this version wrote (hand-edited, another
 * version) is reported, and reading starts over from what the server retains.
 */
export function parseCursor(value: unknown): { cursor?: TokenBowlCursor; problem?: string } {
  if (value === undefined) return {};
  if (typeof value !== "object" || value === null) return { problem: "cursor is not an object" };
  const { room, direct, covered } = value as Record<string, unknown>;
  if (
    covered !== undefined &&
    (typeof covered !== "string" || timestampMicros(covered) === undefined)
  )
    return { problem: "cursor.covered is not a timestamp" };
  for (const [name, anchor] of [
    ["room", room],
    ["direct", direct],
  ] as const) {
    if (anchor !== undefined && !isAnchor(anchor))
      return { problem: `cursor.${name} is not an anchor` };
  }
  return { cursor: value as TokenBowlCursor };
}

function isAnchor(value: unknown): value is StreamAnchor {
  if (typeof value !== "object" || value === null) return false;
  const { at, ids } = value as Record<string, unknown>;
  return (
    typeof at === "string" &&
    timestampMicros(at) !== undefined &&
    Array.isArray(ids) &&
    ids.every((id) => typeof id === "string")
  );
}
