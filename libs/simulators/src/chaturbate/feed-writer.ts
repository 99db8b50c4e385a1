import type { Accounts } from "./accounts.js";
import { InvalidInputError } from "./errors.js";
import { GeneratorSchedule } from "./schedule.js";
import { deepFreeze, deepMerge, isChaturbateMethod, isPlainObject, sortKeysDeep } from "./wire.js";
import type { ChaturbateMethod, WireEvent, WireObject } from "./wire.js";

// Far above any realistic room, low enough that a typo cannot flood memory in seconds.
const MAX_RATE_PER_SECOND = 10_000;

/** Appends events to account feeds: built on demand, at random, raw, or on a schedule. */
export class FeedWriter {
  private readonly schedule = new GeneratorSchedule();

  constructor(private readonly accounts: Accounts) {}

  /** Appends one generated `method` event with `overrides` deep-merged into `object`. */
  emit(username: string, method: ChaturbateMethod, overrides?: Record<string, unknown>): WireEvent {
    if (!isChaturbateMethod(method)) {
      throw new InvalidInputError("method", `unknown method ${JSON.stringify(method)}`);
    }
    if (overrides !== undefined && !isPlainObject(overrides)) {
      throw new InvalidInputError("overrides", "must be an object");
    }
    const account = this.accounts.get(username);
    const generated = account.room.payload(method);
    const object = sortKeysDeep(deepMerge(generated, overrides ?? {})) as WireObject;
    // Built literally so the envelope keys keep the wire order: method, object, id.
    const entry = account.feed.append((id) => deepFreeze({ method, object, id }));
    return entry.item as WireEvent;
  }

  /** Appends `count` events in the weighted random mix. */
  emitRandom(username: string, count: number): WireEvent[] {
    if (!Number.isInteger(count) || count < 0) {
      throw new InvalidInputError("count", "must be a non-negative integer");
    }
    const room = this.accounts.get(username).room;
    return Array.from({ length: count }, () => this.emit(username, room.randomMethod()));
  }

  /** Appends `item` as given; see `ChaturbateSimulator.emitRaw`. */
  emitRaw(username: string, item: unknown, options: { withId?: boolean } = {}): string | undefined {
    const feed = this.accounts.get(username).feed;
    const target =
      options.withId !== false && isPlainObject(item) && !("id" in item) ? item : undefined;
    // The id goes last, where a well-formed envelope has it.
    const entry = feed.append((id) => (target === undefined ? item : { ...target, id }));
    return target === undefined ? undefined : entry.id;
  }

  /** Emits random events for `username` at `ratePerSecond` until stopped. */
  startGenerator(username: string, ratePerSecond: number): void {
    if (!Number.isFinite(ratePerSecond) || ratePerSecond < 0) {
      throw new InvalidInputError("ratePerSecond", "must be a non-negative number");
    }
    if (ratePerSecond > MAX_RATE_PER_SECOND) {
      throw new InvalidInputError("ratePerSecond", `must be at most ${MAX_RATE_PER_SECOND}`);
    }
    const room = this.accounts.get(username).room;
    this.schedule.start(username, ratePerSecond, () => this.emit(username, room.randomMethod()));
  }

  /** Stops the generator for `username`. */
  stopGenerator(username: string): void {
    this.schedule.stop(username);
  }

  /** Stops every generator. */
  stopAll(): void {
    this.schedule.stopAll();
  }
}
