import { CheckpointConflictError, type Checkpoint, type CheckpointStore } from "@castbus/nats";
import type { Logger, Metrics } from "@castbus/telemetry";
import { setTimeout as sleep } from "node:timers/promises";

/** The stored checkpoint document. */
interface CheckpointDoc<C> {
  readonly cursor: C;
  readonly updatedAt: string;
}

/**
 * Writes one source's cursor to KV, newest wins: while a write is in flight, newer cursors
 * replace each other and only the latest is written next. Writes are compare-and-set against
 * the revision this process read or wrote; a lost CAS means another process moved the cursor,
 * which is fatal for this source ({@link onConflict}).
 */
export class Checkpointer<C> {
  readonly #store: CheckpointStore;
  readonly #key: string;
  readonly #source: string;
  readonly #metrics: Metrics;
  readonly #logger: Logger;
  #revision: number | undefined;
  #latest: { cursor: C } | undefined;
  #writing: Promise<void> | undefined;
  #lastWritten: string | undefined;
  onConflict: (error: CheckpointConflictError) => void = () => undefined;

  constructor(deps: {
    store: CheckpointStore;
    key: string;
    source: string;
    metrics: Metrics;
    logger: Logger;
  }) {
    this.#store = deps.store;
    this.#key = deps.key;
    this.#source = deps.source;
    this.#metrics = deps.metrics;
    this.#logger = deps.logger;
  }

  /** Reads the saved cursor (and the revision later writes compare against). */
  async load(): Promise<C | undefined> {
    const saved = await this.#store.load<CheckpointDoc<C>>(this.#key);
    this.#revision = saved?.revision;
    return saved?.value.cursor;
  }

  /** Queues `cursor` for writing. */
  offer(cursor: C): void {
    this.#latest = { cursor };
    this.#writing ??= this.#drain().finally(() => {
      this.#writing = undefined;
    });
  }

  /** Resolves once the newest offered cursor is written (or `timeoutMs` passed). */
  async flush(timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.#writing !== undefined && Date.now() < deadline) {
      await Promise.race([this.#writing, sleep(Math.max(0, deadline - Date.now()))]);
    }
  }

  async #drain(): Promise<void> {
    while (this.#latest !== undefined) {
      const { cursor } = this.#latest;
      this.#latest = undefined;
      const written = await this.#write(cursor);
      if (!written) return;
    }
  }

  /**
   * After a failed compare-and-set, tells a real conflict (another writer moved the cursor) from
   * what only looks like one: the checkpoint is gone (the NATS server lost its store, or an
   * operator deleted it) — reported loudly and written again from this process's cursor — or it
   * holds exactly what this process last wrote (an earlier write landed but its answer was lost).
   */
  async #afterConflict(): Promise<"retry" | "conflict"> {
    let current: Checkpoint<CheckpointDoc<C>> | undefined;
    try {
      current = await this.#store.load<CheckpointDoc<C>>(this.#key);
    } catch {
      await sleep(500); // the bucket may be on its way back: look again
      return "retry";
    }
    if (current === undefined) {
      this.#metrics.checkpointCommits.inc({ source: this.#source, outcome: "lost" });
      this.#logger.error(
        { key: this.#key },
        "checkpoint disappeared from the CHECKPOINTS bucket (the NATS server lost its store, or it was deleted); writing it again from this process's cursor",
      );
      this.#revision = undefined;
      return "retry";
    }
    if (this.#lastWritten !== undefined && JSON.stringify(current.value) === this.#lastWritten) {
      this.#revision = current.revision;
      return "retry";
    }
    return "conflict";
  }

  /** One write, retried on transient failures. Returns false when writing must stop. */
  async #write(cursor: C): Promise<boolean> {
    const doc: CheckpointDoc<C> = { cursor, updatedAt: new Date().toISOString() };
    for (let attempt = 0; ; attempt++) {
      try {
        this.#revision = await this.#store.save(this.#key, doc, this.#revision);
        this.#lastWritten = JSON.stringify(doc);
        this.#metrics.checkpointCommits.inc({ source: this.#source, outcome: "ok" });
        return true;
      } catch (error) {
        if (error instanceof CheckpointConflictError) {
          const resolution = await this.#afterConflict();
          if (resolution === "retry") continue;
          this.#metrics.checkpointCommits.inc({ source: this.#source, outcome: "conflict" });
          this.onConflict(error);
          return false;
        }
        this.#metrics.checkpointCommits.inc({ source: this.#source, outcome: "error" });
        if ((error as { retryable?: unknown }).retryable === false) {
          this.#logger.error({ err: error, key: this.#key }, "checkpoint refused; not writing it");
          return false;
        }
        if (attempt % 10 === 0)
          this.#logger.warn({ err: error, key: this.#key }, "checkpoint write failed; retrying");
        if (this.#latest !== undefined) return true; // a newer cursor is waiting: write that instead
        await sleep(Math.min(5000, 200 * 2 ** Math.min(attempt, 5)));
        if (this.#latest !== undefined) return true;
      }
    }
  }
}
