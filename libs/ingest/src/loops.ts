import { Backoff } from "@castbus/http";
import { setTimeout as sleep } from "node:timers/promises";
import type { Logger, Metrics, Readiness } from "@castbus/telemetry";
import type { Checkpointer } from "./checkpointer.js";
import type { SourceChannel } from "./channel.js";
import { FatalSourceError, MalformedResponseError, classifyFailure } from "./errors.js";
import type { PullSource, PushSink, PushSource, Rejection, UpstreamRecord } from "./source.js";

/** Consecutive failures before readiness reports the upstream as down. */
const NOT_READY_AFTER_FAILURES = 3;

/** What a source loop needs. */
export interface LoopContext<C> {
  readonly channel: SourceChannel<C>;
  readonly metrics: Metrics;
  readonly readiness: Readiness;
  readonly logger: Logger;
  readonly signal: AbortSignal;
}

/** The readiness check name of a source. */
export function upstreamCheck(source: { name: string; account: string }): string {
  return `upstream:${source.name}/${source.account}`;
}

/**
 * Polls a pull source until `signal` aborts: read after the saved cursor, hand every record to
 * the channel, mark the batch's cursor (committed once all of it is acked), repeat. Upstream
 * failures are retried with backoff (Retry-After honoured); a fatal one stops the source and
 * throws {@link FatalSourceError}.
 */
export async function runPullSource<C>(
  source: PullSource<C>,
  checkpointer: Checkpointer<C>,
  ctx: LoopContext<C>,
): Promise<void> {
  const backoff = source.backoff ?? new Backoff();
  const labels = { source: source.name, account: source.account };
  let cursor: C | undefined = await checkpointer.load();
  ctx.logger.info(
    { resumed: cursor !== undefined },
    cursor === undefined
      ? "starting from the upstream's latest events"
      : "resuming from checkpoint",
  );
  while (!ctx.signal.aborted) {
    let batch;
    try {
      batch = await source.read(cursor, ctx.signal);
    } catch (error) {
      if (ctx.signal.aborted) break;
      await failed(source, error, backoff, ctx);
      continue;
    }
    ctx.metrics.upstreamRequests.inc({ source: source.name, outcome: "ok" });
    ctx.metrics.upstreamReady.set(labels, 1);
    ctx.readiness.set(upstreamCheck(source), true);
    backoff.reset();
    if (batch.cursorReset !== undefined) {
      ctx.logger.warn(
        { detail: batch.cursorReset },
        "saved cursor no longer valid; restarted from the upstream's latest events (events in between may be missing)",
      );
    }
    if (batch.warning !== undefined)
      ctx.logger.warn({ detail: batch.warning }, "odd upstream response");
    for (const record of batch.records) {
      const full = ctx.channel.ingest(record);
      if (full !== undefined) await full;
    }
    ctx.channel.mark(batch.next);
    cursor = batch.next;
  }
}

async function failed<C>(
  source: PullSource<C> | PushSource,
  error: unknown,
  backoff: Backoff,
  ctx: LoopContext<C>,
): Promise<void> {
  const failure = classifyFailure(error);
  const check = upstreamCheck(source);
  ctx.metrics.upstreamRequests.inc({ source: source.name, outcome: failure.outcome });
  if (error instanceof MalformedResponseError) {
    await ctx.channel.deadLetter(error.raw, { reason: error.reason, message: error.message });
  }
  const message = (error as Error).message;
  if (failure.fatal) {
    ctx.metrics.upstreamReady.set({ source: source.name, account: source.account }, 0);
    ctx.readiness.set(check, false, `${failure.outcome}: ${message}`);
    ctx.logger.error(
      { err: error, outcome: failure.outcome },
      "upstream refused us; this source is stopped until its configuration is fixed",
    );
    throw error instanceof FatalSourceError
      ? error
      : new FatalSourceError(message, { kind: failure.outcome, cause: error });
  }
  if (backoff.attempt + 1 >= NOT_READY_AFTER_FAILURES) {
    ctx.metrics.upstreamReady.set({ source: source.name, account: source.account }, 0);
    ctx.readiness.set(check, false, `${failure.outcome}: ${message}`);
  }
  const delayMs = backoff.next(failure.retryAfterMs);
  const level = failure.outcome === "error" ? "error" : "warn";
  ctx.logger[level](
    { err: error, outcome: failure.outcome, attempt: backoff.attempt, delayMs },
    "upstream request failed; retrying",
  );
  await sleepUnlessAborted(delayMs, ctx.signal);
}

/**
 * Runs a push source until `signal` aborts, restarting it with backoff when it fails in a way
 * a retry can fix; a fatal failure stops it and throws {@link FatalSourceError}.
 */
export async function runPushSource(source: PushSource, ctx: LoopContext<never>): Promise<void> {
  const backoff = new Backoff();
  const labels = { source: source.name, account: source.account };
  const sink: PushSink = {
    emit: (record: UpstreamRecord) => ctx.channel.ingest(record) ?? Promise.resolve(),
    reject: (raw: string | Uint8Array, rejection: Rejection) =>
      ctx.channel.deadLetter(raw, rejection),
    setUpstream: (ok: boolean, reason?: string) => {
      ctx.metrics.upstreamReady.set(labels, ok ? 1 : 0);
      ctx.readiness.set(upstreamCheck(source), ok, reason);
      if (ok) backoff.reset();
    },
    countRequest: (outcome: string) =>
      ctx.metrics.upstreamRequests.inc({ source: source.name, outcome }),
  };
  while (!ctx.signal.aborted) {
    try {
      await source.run(sink, ctx.signal);
      // A session that ended by itself is retried like a failure, without a hot loop.
      if (!ctx.signal.aborted) await sleepUnlessAborted(backoff.next(), ctx.signal);
    } catch (error) {
      if (ctx.signal.aborted) break;
      await failed(source, error, backoff, ctx);
    }
  }
}

function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  return sleep(ms, undefined, { signal }).catch(() => undefined);
}
