/**
 * Tracks which of a source's publishes have settled, in the order they were started, and
 * releases checkpoint marks only when everything before them has settled. That is the whole
 * "commit the cursor only after every earlier publish is acked" rule, in one place.
 */
export class OrderedAcks<C> {
  #next = 0;
  #doneUpTo = 0;
  readonly #settledAhead = new Set<number>();
  readonly #marks: { seq: number; cursor: C }[] = [];

  /** Reserves the next sequence number for a publish about to start. */
  start(): number {
    return this.#next++;
  }

  /** Marks `seq` settled; returns the newest cursor whose publishes have all settled, if any. */
  settle(seq: number): C | undefined {
    if (seq === this.#doneUpTo) {
      this.#doneUpTo += 1;
      while (this.#settledAhead.delete(this.#doneUpTo)) this.#doneUpTo += 1;
    } else {
      this.#settledAhead.add(seq);
    }
    return this.#release();
  }

  /** Records that `cursor` is safe once every publish started so far has settled. */
  mark(cursor: C): C | undefined {
    this.#marks.push({ seq: this.#next, cursor });
    return this.#release();
  }

  /** Publishes started and not yet settled. */
  get outstanding(): number {
    return this.#next - this.#doneUpTo - this.#settledAhead.size;
  }

  #release(): C | undefined {
    let released: C | undefined;
    while (this.#marks.length > 0 && this.#marks[0]!.seq <= this.#doneUpTo) {
      released = this.#marks.shift()!.cursor;
    }
    return released;
  }
}
