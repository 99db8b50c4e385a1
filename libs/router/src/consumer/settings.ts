/** Where a new group starts reading the stream. */
export type StartAt = { policy: "all" } | { policy: "new" } | { policy: "time"; time: Date };

/** How a consumer group handles its events. Defaults: {@link DEFAULT_SETTINGS}. */
export interface ConsumerSettings {
  /** Durable consumer name; every process with the same group shares the work. */
  readonly group: string;
  /** Subjects to consume (several need nats-server 2.10+). */
  readonly subjects: readonly string[];
  /** Events handled at once by this process. */
  readonly concurrency: number;
  /** Deliveries before an event is dead-lettered. */
  readonly maxDeliver: number;
  /** Redelivery delay after the n-th failure (the last entry repeats). */
  readonly backoffMs: readonly number[];
  /** The server redelivers an event not acked within this long (long handlers extend it). */
  readonly ackWaitMs: number;
  /** A handler running longer fails (its `ctx.signal` aborts). */
  readonly handlerTimeoutMs: number;
  /** Unacknowledged events across every process of the group. */
  readonly maxAckPending: number;
  /** Where a new group starts; ignored when the group exists. */
  readonly startAt: StartAt;
}

/** Defaults shared by the worker service and `subscribe()`. */
export const DEFAULT_SETTINGS: Omit<ConsumerSettings, "group"> = {
  subjects: ["events.>"],
  concurrency: 16,
  maxDeliver: 5,
  backoffMs: [1000, 5000, 15_000, 30_000],
  ackWaitMs: 30_000,
  handlerTimeoutMs: 60_000,
  maxAckPending: 1000,
  startAt: { policy: "all" },
};

/** The redelivery delay after the `deliveryCount`-th failure. */
export function backoffFor(
  settings: Pick<ConsumerSettings, "backoffMs">,
  deliveryCount: number,
): number {
  const schedule = settings.backoffMs;
  return schedule[Math.min(Math.max(deliveryCount, 1), schedule.length) - 1] ?? 1000;
}

/** Parses `all`, `new` or an RFC 3339 time; `undefined` for anything else. */
export function parseStartAt(value: string): StartAt | undefined {
  if (value === "all") return { policy: "all" };
  if (value === "new") return { policy: "new" };
  const time = new Date(value);
  return /^\d{4}-\d{2}-\d{2}T/.test(value) && !Number.isNaN(time.getTime())
    ? { policy: "time", time }
    : undefined;
}
