/**
 * Event ids look like Redis stream ids, `"<epoch ms>-<seq>"`. They are compared as (ms, seq)
 * pairs: parsing `"1625274862454-10"` as a float would sort it before `"1625274862454-9"`.
 */

/** A parsed event id. */
export interface EventId {
  readonly ms: number;
  readonly seq: number;
}

// Bounded digit counts keep both parts exact as JS numbers.
const ID_PATTERN = /^(\d{1,15})-(\d{1,15})$/;

/** Parses `"<ms>-<seq>"`; `undefined` for anything else (the server answers that with 400). */
export function parseEventId(text: string): EventId | undefined {
  const match = ID_PATTERN.exec(text);
  if (match === null) return undefined;
  return { ms: Number(match[1]), seq: Number(match[2]) };
}

/** Negative when `a` comes first, positive when `b` does, 0 when equal. */
export function compareEventIds(a: EventId, b: EventId): number {
  return a.ms === b.ms ? a.seq - b.seq : a.ms - b.ms;
}

/** Formats an id for the wire. */
export function formatEventId(id: EventId): string {
  return `${id.ms}-${id.seq}`;
}

/**
 * Hands out strictly increasing ids for one feed. Several events in the same millisecond share
 * `ms` and count `seq` up; if the wall clock steps back, ids keep the last `ms` so order holds.
 */
export class EventIdClock {
  private last: EventId = { ms: 0, seq: 0 };

  constructor(private readonly now: () => number = Date.now) {}

  /** The next id, strictly after every id handed out before. */
  next(): EventId {
    const ms = this.now();
    this.last = ms > this.last.ms ? { ms, seq: 0 } : { ms: this.last.ms, seq: this.last.seq + 1 };
    return this.last;
  }
}
