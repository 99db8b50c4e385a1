import type { MapResult, PullSource, UpstreamRecord } from "../source.js";
import { describe, expect, it } from "vitest";

/** What {@link sourceConformance} needs from one ingester's test setup. */
export interface ConformanceHarness<C> {
  /** The source under test, reading from a simulator. */
  readonly source: PullSource<C>;
  /** Makes the upstream produce `count` well-formed records; resolves with their upstream ids in order. */
  produce(count: number): Promise<string[]>;
  /** Makes the upstream produce one malformed record (after any produced so far). */
  produceMalformed(): Promise<void>;
  /** Makes the next read fail the way a revoked credential does. */
  revokeCredentials(): Promise<void>;
  /** Makes the next read fail with a transient upstream error (e.g. HTTP 503). */
  failTransiently(): Promise<void>;
  /** Secrets that must never appear in a cursor or an error message. */
  readonly secrets: readonly string[];
  /** The envelope id a record with upstream id `upstreamId` must get. */
  expectedId(upstreamId: string): string;
  close(): Promise<void>;
}

/**
 * The contract every pull source keeps, as one shared suite (Redpanda Connect's habit): paging
 * without gaps or repeats, a cursor that survives a JSON round trip (it is stored in KV),
 * deterministic ids, bad records rejected with a reason (not thrown), and errors that say
 * whether a retry helps. Call it from each ingester's tests with a factory for a fresh harness.
 */
export function sourceConformance<C>(
  name: string,
  setup: () => Promise<ConformanceHarness<C>>,
): void {
  describe(`${name} source conformance`, () => {
    const withHarness = (body: (h: ConformanceHarness<C>) => Promise<void>) => async () => {
      const harness = await setup();
      try {
        await body(harness);
      } finally {
        await harness.close();
      }
    };

    it(
      "pages through every record once, in order, following its own cursors",
      withHarness(async (h) => {
        const ids = await h.produce(250);
        const seen = await readAll(h.source, undefined, ids.length);
        expect(seen.map((r) => mapOk(h.source, r).id)).toEqual(ids.map((id) => h.expectedId(id)));
      }),
    );

    it(
      "resumes after a cursor that went through JSON (as stored in KV) without repeating",
      withHarness(async (h) => {
        const first = await h.produce(5);
        const signal = new AbortController().signal;
        let batch = await h.source.read(undefined, signal);
        while (batch.records.length < first.length) batch = await h.source.read(batch.next, signal);
        const stored = JSON.parse(JSON.stringify(batch.next)) as C;
        for (const secret of h.secrets) expect(JSON.stringify(batch.next)).not.toContain(secret);
        const second = await h.produce(3);
        const seen = await readAll(h.source, stored, second.length);
        expect(seen.map((r) => mapOk(h.source, r).id)).toEqual(
          second.map((id) => h.expectedId(id)),
        );
      }),
    );

    it(
      "maps the same record to the same event id every time",
      withHarness(async (h) => {
        await h.produce(3);
        const [record] = await readAll(h.source, undefined, 3);
        expect(mapOk(h.source, record!)).toEqual(mapOk(h.source, { ...record! }));
      }),
    );

    it(
      "rejects a malformed record with a reason instead of throwing",
      withHarness(async (h) => {
        await h.produce(1);
        await h.produceMalformed();
        await h.produce(1);
        const records = await readAll(h.source, undefined, 3);
        const results = records.map((r) => h.source.toEvent(r));
        expect(results.map((r) => r.ok)).toEqual([true, false, true]);
        const rejected = results[1] as Extract<MapResult, { ok: false }>;
        expect(rejected.reason).toMatch(/^[a-z_]+$/);
        expect(rejected.message.length).toBeGreaterThan(0);
      }),
    );

    it(
      "throws retryable errors for transient failures and non-retryable auth errors for revoked credentials",
      withHarness(async (h) => {
        const signal = new AbortController().signal;
        await h.failTransiently();
        const transient = await h.source.read(undefined, signal).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(transient).toMatchObject({ retryable: true });
        await h.revokeCredentials();
        const auth = await h.source.read(undefined, signal).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(auth).toMatchObject({ retryable: false, kind: "auth" });
        for (const secret of h.secrets) expect(String(auth)).not.toContain(secret);
      }),
    );
  });
}

async function readAll<C>(
  source: PullSource<C>,
  start: C | undefined,
  count: number,
): Promise<UpstreamRecord[]> {
  const signal = new AbortController().signal;
  const out: UpstreamRecord[] = [];
  let cursor = start;
  for (let reads = 0; out.length < count && reads < count + 20; reads++) {
    const batch = await source.read(cursor, signal);
    out.push(...batch.records);
    cursor = batch.next;
  }
  return out;
}

function mapOk<C>(source: PullSource<C>, record: UpstreamRecord) {
  const result = source.toEvent(record);
  if (!result.ok)
    throw new Error(`expected a mapped event, got ${result.reason}: ${result.message}`);
  return result.event;
}
