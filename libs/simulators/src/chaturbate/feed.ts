import { compareEventIds, EventIdClock, formatEventId } from "./event-id.js";
import type { EventId } from "./event-id.js";

/** One item of an account's feed with the cursor id it sits at. */
export interface FeedEntry {
  /** The cursor id (`"<ms>-<seq>"`); `nextUrl` carries it as `i` even when the item lacks it. */
  readonly id: string;
  /** The item exactly as it is served inside `events[]`. */
  readonly item: unknown;
}

interface StoredEntry extends FeedEntry {
  readonly key: EventId;
}

/**
 * One account's event log plus the long-poll waiters parked on it. Every item, well-formed or
 * not, gets a cursor position, so `i` advances past malformed items like it does on the real API.
 */
export class Feed {
  private entries: StoredEntry[] = [];
  private readonly listeners = new Set<() => void>();
  private readonly clock: EventIdClock;

  /** `maxEvents` bounds memory for long-running simulators; the oldest events are dropped. */
  constructor(
    private readonly maxEvents: number,
    now: () => number = Date.now,
  ) {
    this.clock = new EventIdClock(now);
  }

  /** Appends the item `build` makes for the next id, wakes every waiter, returns the entry. */
  append(build: (id: string) => unknown): FeedEntry {
    const key = this.clock.next();
    const id = formatEventId(key);
    const entry: StoredEntry = { id, key, item: build(id) };
    this.entries.push(entry);
    this.trim();
    this.notify();
    return { id: entry.id, item: entry.item };
  }

  /** Up to `limit` entries strictly after `cursor`, oldest first. */
  after(cursor: EventId, limit: number): FeedEntry[] {
    const start = this.firstIndexAfter(cursor);
    return this.entries.slice(start, start + limit).map(publicEntry);
  }

  /** The first `limit` of the newest `count` entries: what a request without `i` gets. */
  latest(count: number, limit: number): FeedEntry[] {
    const start = Math.max(0, this.entries.length - count);
    return this.entries.slice(start, start + limit).map(publicEntry);
  }

  /** Every retained entry, oldest first. */
  all(): FeedEntry[] {
    return this.entries.map(publicEntry);
  }

  /** Calls `listener` on every append or {@link notify}; returns the function that unsubscribes. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Wakes every waiter so it re-checks its batch and its token (used on revocation). */
  notify(): void {
    for (const listener of [...this.listeners]) listener();
  }

  private firstIndexAfter(cursor: EventId): number {
    let low = 0;
    let high = this.entries.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (compareEventIds(this.entries[mid]!.key, cursor) <= 0) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  // Trims in slack-sized chunks so a steady generator does not copy the array on every event.
  private trim(): void {
    const slack = Math.max(1, Math.floor(this.maxEvents / 10));
    if (this.entries.length > this.maxEvents + slack) {
      this.entries = this.entries.slice(this.entries.length - this.maxEvents);
    }
  }
}

function publicEntry(entry: StoredEntry): FeedEntry {
  return { id: entry.id, item: entry.item };
}
