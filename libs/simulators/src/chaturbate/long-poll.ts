import type { ServerResponse } from "node:http";
import type { Feed, FeedEntry } from "./feed.js";

/** How a long-poll wait ended: a batch (empty on timeout), a revoked token, or a client gone. */
export type WaitOutcome = FeedEntry[] | "revoked" | "gone";

/** What one held request waits on. */
export interface WaitSpec {
  readonly feed: Feed;
  /** Reads the batch this request would get now; empty means keep waiting. */
  readonly read: () => FeedEntry[];
  /** Whether the token still works; checked on every wake-up. */
  readonly authorized: () => boolean;
  readonly timeoutMs: number;
  /** Closes when the client disconnects or the server shuts down. */
  readonly res: ServerResponse;
}

/**
 * Holds a request until its batch is non-empty, its token is revoked, the client leaves, or
 * `timeoutMs` passes. Appends wake every waiter at once, so many clients can wait on one feed.
 */
export function waitForBatch(spec: WaitSpec): Promise<WaitOutcome> {
  const first = spec.read();
  if (first.length > 0 || spec.timeoutMs === 0) return Promise.resolve(first);
  return new Promise((resolve) => {
    const finish = (outcome: WaitOutcome): void => {
      unsubscribe();
      clearTimeout(timer);
      spec.res.off("close", onClose);
      resolve(outcome);
    };
    const onClose = (): void => finish("gone");
    const unsubscribe = spec.feed.onChange(() => {
      if (!spec.authorized()) return finish("revoked");
      const batch = spec.read();
      if (batch.length > 0) finish(batch);
    });
    const timer = setTimeout(() => finish([]), spec.timeoutMs);
    spec.res.once("close", onClose);
  });
}
