/**
 * A small seeded PRNG (mulberry32) so a fuzz run can be repeated exactly: the same seed gives the
 * same corpus. `CASTBUS_FUZZ_SEED` picks another seed, `CASTBUS_FUZZ_CASES` a larger corpus.
 */
export class Random {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error("pick from an empty list");
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** An independent generator derived from this one (per-source streams stay stable). */
  fork(salt: number): Random {
    return new Random(Math.imul(this.int(0, 2 ** 31), 2_654_435_761) ^ salt);
  }
}

/** The fixed default seed; a failing run prints the seed it used. */
export const DEFAULT_SEED = 20_251_123;

/** The seed of this run: `CASTBUS_FUZZ_SEED` or {@link DEFAULT_SEED}. */
export function fuzzSeed(): number {
  const raw = process.env["CASTBUS_FUZZ_SEED"];
  const seed = raw === undefined || raw === "" ? DEFAULT_SEED : Number(raw);
  if (!Number.isInteger(seed)) throw new Error(`CASTBUS_FUZZ_SEED must be an integer, got ${raw}`);
  return seed;
}

/** Malformed inputs per source: `CASTBUS_FUZZ_CASES` or `fallback`. */
export function fuzzCases(fallback: number): number {
  const raw = process.env["CASTBUS_FUZZ_CASES"];
  const cases = raw === undefined || raw === "" ? fallback : Number(raw);
  if (!Number.isInteger(cases) || cases < 1) {
    throw new Error(`CASTBUS_FUZZ_CASES must be a positive integer, got ${raw}`);
  }
  return cases;
}
