import type { Backoff } from "@castbus/http";
import {
  FatalSourceError,
  MalformedResponseError,
  type MapResult,
  type PullBatch,
  type PullSource,
  type UpstreamRecord,
} from "@castbus/ingest";
import { setTimeout as sleep } from "node:timers/promises";
import { MalformedPageError, NotFoundError, type TokenBowlClient } from "@castbus/tokenbowl";
import {
  mergeChronological,
  pageItem,
  parseCursor,
  sift,
  sinceFor,
  type PageItem,
  type Sifted,
  type StreamAnchor,
  type TokenBowlCursor,
} from "./cursor.js";
import { later, pythonIsoUtc, timestampMicros } from "./timestamps.js";
import { toEvent } from "./to-event.js";

/** The server keeps 100 messages, so one page of 100 normally holds everything new. */
const PAGE_SIZE = 100;
/** The server keeps its newest 100 messages, room and DMs together (reference §7). */
const SERVER_RETENTION = 100;
/** A server that keeps saying `has_more` is not followed for ever (100 × 100 messages). */
const MAX_PAGES = 100;
/** Allowance for the `Date` header's whole seconds and a proxy's clock. */
const DATE_SKEW_MICROS = 10_000_000n;

/**
 * Messages the server deleted before this ingester read them: it keeps only its newest 100
 * (room and DMs together), and none of what had been read before is left.
 */
export interface TokenBowlGap {
  /** Everything up to this time had been read. */
  readonly after: string;
  /** The oldest message still retained; anything between `after` and this may be lost. */
  readonly oldestRetained: string;
}

/** Settings of one Token Bowl account. */
export interface TokenBowlSourceOptions {
  /** `TOKENBOWL_NAME`: the account part of `source`, ids and the checkpoint key. */
  readonly name: string;
  readonly client: TokenBowlClient;
  /** Time between the starts of two polls. */
  readonly pollIntervalMs: number;
  /** Also read `GET /messages/direct`. */
  readonly directMessages: boolean;
  readonly keepRaw: boolean;
  readonly backoff: Backoff;
  /** Told about every gap (the ingester logs a warning and counts it). */
  readonly onGap: (gap: TokenBowlGap) => void;
}

/**
 * Polls a Token Bowl server for room messages and the account's DMs as one pull source (one
 * cursor, one `source`), so both streams share the server's single 100-message window. Each
 * read pages through everything after the cursor, drops what was read before (by id), returns
 * the rest oldest first, and reports a gap when the window moved past what had been read.
 */
export class TokenBowlSource implements PullSource<TokenBowlCursor> {
  readonly kind = "pull";
  readonly name = "tokenbowl";
  readonly account: string;
  readonly backoff: Backoff;
  readonly #options: TokenBowlSourceOptions;
  #self: string | undefined;
  #lastPollAt = -Infinity;

  constructor(options: TokenBowlSourceOptions) {
    this.account = options.name;
    this.backoff = options.backoff;
    this.#options = options;
  }

  toEvent(record: UpstreamRecord): MapResult {
    return toEvent(record, {
      account: this.account,
      self: this.#self,
      keepRaw: this.#options.keepRaw,
    });
  }

  async read(
    saved: TokenBowlCursor | undefined,
    signal: AbortSignal,
  ): Promise<PullBatch<TokenBowlCursor>> {
    try {
      return await this.#read(saved, signal);
    } catch (error) {
      // A 404 on the fixed read paths means the server is not where TOKENBOWL_URL points.
      if (!(error instanceof NotFoundError)) throw error;
      throw new FatalSourceError(`${error.message} (check TOKENBOWL_URL)`, {
        kind: "not_found",
        cause: error,
      });
    }
  }

  async #read(
    saved: TokenBowlCursor | undefined,
    signal: AbortSignal,
  ): Promise<PullBatch<TokenBowlCursor>> {
    await this.#pace(signal);
    const { cursor, problem } = parseCursor(saved);
    const { client } = this.#options;
    this.#self ??= (await client.me(signal)).username;
    const before = coverage(cursor);
    const room = await this.#readStream("room", cursor?.room, signal);
    const receivedAt = performance.now();
    const receivedTime = new Date();
    const direct = this.#options.directMessages
      ? await this.#readStream("direct", cursor?.direct, signal)
      : undefined;
    this.#checkGap(cursor, [room.sifted, direct?.sifted]);
    const covered = later(later(before, room.sifted.newest), room.serverNow);
    const fresh = mergeChronological(room.sifted.fresh, direct?.sifted.fresh ?? []);
    const next = nextCursor(cursor, room.sifted.anchor, direct?.sifted.anchor, covered);
    const warning = room.warning ?? direct?.warning;
    return {
      records: fresh.map((item) => ({
        raw: item.raw,
        value: item.value,
        receivedAt,
        receivedTime,
        ...(item.notUtf8 === true ? { rejection: NOT_UTF8 } : {}),
      })),
      next,
      ...(problem === undefined
        ? {}
        : { cursorReset: `${problem}; reading what the server retains` }),
      ...(warning === undefined ? {} : { warning }),
    };
  }

  /** All pages after the stream's anchor, deduplicated by id across pages. */
  async #readStream(
    kind: "room" | "direct",
    anchor: StreamAnchor | undefined,
    signal: AbortSignal,
  ) {
    const since = sinceFor(anchor);
    const items: PageItem[] = [];
    const keys = new Set<string>();
    let serverNow: bigint | undefined;
    let warning: string | undefined;
    for (let offset = 0, pages = 1; ; pages++) {
      const page = await fetchPage(this.#options.client, kind, {
        limit: PAGE_SIZE,
        offset,
        ...(since === undefined ? {} : { since }),
        signal,
      });
      if (page.serverDate !== undefined && serverNow === undefined) {
        serverNow = BigInt(page.serverDate.getTime()) * 1000n - DATE_SKEW_MICROS;
      }
      const read = page.items.map((value, i) => {
        const bytes = page.invalidUtf8.get(i);
        return pageItem(value, bytes ?? page.texts[i]!, bytes !== undefined);
      });
      for (const item of read) {
        // Messages arriving between pages shift offsets: the repeats are dropped here.
        if (!keys.has(item.key)) items.push(item);
        keys.add(item.key);
      }
      if (!page.hasMore || page.items.length === 0) break;
      if (pages >= MAX_PAGES) {
        warning = `${kind}: stopped paging after ${pages} pages; older unread messages were skipped`;
        break;
      }
      offset += page.items.length;
    }
    return { sifted: sift(items, anchor), serverNow, warning };
  }

  /**
   * A gap is possible when the server's window evidently moved past what had been read: no
   * message read before (an anchor) is still there and nothing it returns is older than
   * `covered` (the time up to which everything had been read), while an anchor existed or a
   * full window of messages came back. Any message kept from before proves nothing newer was
   * deleted (deletion is oldest first).
   */
  #checkGap(cursor: TokenBowlCursor | undefined, streams: readonly (Sifted | undefined)[]): void {
    const covered = cursor?.covered;
    const coveredMicros = covered === undefined ? undefined : timestampMicros(covered);
    if (coveredMicros === undefined) return; // first read: nothing to compare with
    const present = streams.filter((s): s is Sifted => s !== undefined);
    if (present.some((s) => s.anchorKept)) return;
    const oldest = present
      .map((s) => s.oldest)
      .reduce<PageItem | undefined>(
        (a, i) => (i === undefined || (a !== undefined && a.micros! <= i.micros!) ? a : i),
        undefined,
      );
    if (oldest === undefined || oldest.micros! <= coveredMicros) return;
    const hadAnchor = cursor?.room !== undefined || cursor?.direct !== undefined;
    const fullWindow = present.reduce((n, s) => n + s.returned, 0) >= SERVER_RETENTION;
    if (hadAnchor || fullWindow) {
      this.#options.onGap({ after: covered!, oldestRetained: oldest.timestamp! });
    }
  }

  /** Polls start `pollIntervalMs` apart; the first one at once. */
  async #pace(signal: AbortSignal): Promise<void> {
    const waitMs = this.#lastPollAt + this.#options.pollIntervalMs - performance.now();
    if (waitMs > 0) await sleep(waitMs, undefined, { signal });
    this.#lastPollAt = performance.now();
  }
}

const NOT_UTF8 = { reason: "invalid_utf8", message: "the message's bytes are not UTF-8" };

/** The newest time the saved cursor proves had been reached. */
function coverage(cursor: TokenBowlCursor | undefined): bigint | undefined {
  const times = [cursor?.covered, cursor?.room?.at, cursor?.direct?.at];
  return times.reduce<bigint | undefined>(
    (max, text) => later(max, text === undefined ? undefined : timestampMicros(text)),
    undefined,
  );
}

function nextCursor(
  cursor: TokenBowlCursor | undefined,
  room: StreamAnchor | undefined,
  direct: StreamAnchor | undefined,
  covered: bigint | undefined,
): TokenBowlCursor {
  const keptDirect = direct ?? cursor?.direct;
  return {
    ...(room === undefined ? {} : { room }),
    ...(keptDirect === undefined ? {} : { direct: keptDirect }),
    ...(covered === undefined ? {} : { covered: pythonIsoUtc(covered) }),
  };
}

/** A page, with a body that is not one turned into the runner's dead-letter-and-retry error. */
async function fetchPage(
  client: TokenBowlClient,
  kind: "room" | "direct",
  params: Parameters<TokenBowlClient["fetchPage"]>[1],
) {
  try {
    return await client.fetchPage(kind, params);
  } catch (error) {
    if (error instanceof MalformedPageError) {
      throw new MalformedResponseError(error.message, { raw: error.raw, reason: error.reason });
    }
    throw error;
  }
}
