import type { Verdict } from "./fields.js";

/** One generated upstream input and what the source must make of it. */
export interface FuzzCase {
  /** What was done to a well-formed input, e.g. `wrongType:object.user.username`. */
  readonly family: string;
  /** `dlq`: in `dlq.ingest.<source>` with its raw bytes; `event`: in EVENTS once; `ignored`: neither. */
  readonly verdict: Verdict;
  /** The upstream input: exact text, or a value the simulator serializes as JSON. */
  readonly payload: unknown;
  /** The envelope id it must get, when the verdict is `event` and the source's ids are predictable. */
  readonly id?: string;
}

/**
 * Collects cases, refusing a payload identical to an earlier one: dead letters are deduplicated
 * by a hash of their bytes, so a repeated bad payload would be stored once and the count off.
 */
export class Corpus {
  readonly cases: FuzzCase[] = [];
  readonly #seen = new Set<string>();

  /** Adds `c` unless its payload repeats an earlier one; says whether it was added. */
  add(c: FuzzCase): boolean {
    const key = typeof c.payload === "string" ? `t:${c.payload}` : `j:${JSON.stringify(c.payload)}`;
    if (this.#seen.has(key)) return false;
    this.#seen.add(key);
    this.cases.push(c);
    return true;
  }

  /** Cases with `verdict`. */
  with(verdict: Verdict): FuzzCase[] {
    return this.cases.filter((c) => c.verdict === verdict);
  }
}

/**
 * Draws cases from `draw` until `count` were added (a draw may return undefined when the
 * mutation did not apply).
 */
export function fill(
  corpus: Corpus,
  count: number,
  draw: (index: number) => FuzzCase | undefined,
): void {
  const target = corpus.cases.length + count;
  for (let attempts = 0; corpus.cases.length < target; attempts++) {
    if (attempts > count * 50) throw new Error(`could not draw ${count} distinct cases`);
    const c = draw(corpus.cases.length);
    if (c !== undefined) corpus.add(c);
  }
}

/** `{ family prefix: count }`, e.g. `{ wrongType: 812, drop: 230 }`, for the summary. */
export function familyCounts(cases: readonly FuzzCase[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const c of cases) {
    const prefix = c.family.split(":", 1)[0]!;
    counts[prefix] = (counts[prefix] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}

/** Total UTF-8 bytes of the inputs (to show the memory bound is meaningful). */
export function inputBytes(cases: readonly FuzzCase[]): number {
  return cases.reduce(
    (sum, c) =>
      sum +
      Buffer.byteLength(
        typeof c.payload === "string" ? c.payload : (JSON.stringify(c.payload) ?? ""),
      ),
    0,
  );
}
