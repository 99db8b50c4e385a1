import type { CastbusEvent } from "@castbus/events";
import { HandlerError, HandlerTimeoutError } from "./errors.js";
import { HandlerRun } from "./handler-run.js";
import { compilePattern, type Matcher } from "./pattern.js";
import type {
  EventFor,
  Filter,
  Handler,
  HandlerContext,
  HandlerOptions,
  HandlerStats,
  Services,
} from "./types.js";

interface Registration {
  readonly definition: HandlerDefinition;
  readonly name: string;
  readonly pattern: string;
  readonly priority: number;
  readonly matches: Matcher;
  readonly handler: Handler;
  readonly filters: readonly Filter[];
  readonly timeoutMs: number | undefined;
  stats: { calls: number; failures: number; skipped: number; totalMs: number; maxMs: number };
}

/** A registration as given to `on()`, for copying handlers between routers. */
export interface HandlerDefinition {
  readonly pattern: string;
  readonly handler: Handler<never, never>;
  readonly options: HandlerOptions<never, never>;
}

/** What {@link EventRouter.dispatch} needs besides the event. */
export interface DispatchContext<S extends Services = Services> extends Omit<
  HandlerContext<S>,
  "emit"
> {
  /** `ctx.emit` for one handler (emitted ids can then name the handler). */
  emitFor(handlerName: string): HandlerContext<S>["emit"];
  /** Default per-handler time limit (ms); none when absent. */
  readonly handlerTimeoutMs?: number;
  /** Called after each handler run (metrics). */
  readonly onHandlerDone?: (
    name: string,
    durationMs: number,
    error: HandlerError | undefined,
  ) => void;
}

/** Result of one dispatch. */
export interface DispatchResult {
  /** Handlers that ran (filters accepted). */
  readonly ran: number;
  /** Every failure, in priority order; empty when all succeeded. */
  readonly errors: readonly HandlerError[];
}

/**
 * Routes events to handlers by NATS-style patterns over the event type. Higher priority groups
 * finish before lower ones start; handlers within a group run concurrently; one handler's
 * failure never stops another (it is reported in the result as a {@link HandlerError}).
 */
export class EventRouter<S extends Services = Services> {
  readonly #registrations: Registration[] = [];
  readonly #plans = new Map<string, Registration[][]>();

  /** Registers `handler` for events whose type matches `pattern` (`twitch.>`, `obs.stream_*`). */
  on<P extends string>(
    pattern: P,
    handler: Handler<EventFor<P>, S>,
    options: HandlerOptions<EventFor<P>, S> = {},
  ): this {
    const filters =
      options.filter === undefined
        ? []
        : Array.isArray(options.filter)
          ? options.filter
          : [options.filter];
    const name =
      options.name ??
      (handler.name !== "" ? handler.name : `${pattern}#${this.#registrations.length + 1}`);
    if (this.#registrations.some((r) => r.name === name))
      throw new TypeError(`a handler named ${name} is already registered`);
    this.#registrations.push({
      definition: {
        pattern,
        handler: handler as Handler<never, never>,
        options: options as HandlerOptions<never, never>,
      },
      name,
      pattern,
      priority: options.priority ?? 0,
      matches: compilePattern(pattern),
      handler: handler as Handler,
      filters: filters as readonly Filter[],
      timeoutMs: options.timeoutMs,
      stats: { calls: 0, failures: 0, skipped: 0, totalMs: 0, maxMs: 0 },
    });
    this.#plans.clear();
    return this;
  }

  /** Adds every handler of `other` (a module's router) to this one, with the same options. */
  include(other: { definitions(): readonly HandlerDefinition[] }): this {
    for (const d of other.definitions()) {
      this.on(
        d.pattern,
        d.handler as Handler<EventFor<string>, S>,
        d.options as HandlerOptions<EventFor<string>, S>,
      );
    }
    return this;
  }

  /** Every registration as given to `on()`. */
  definitions(): readonly HandlerDefinition[] {
    return this.#registrations.map((r) => r.definition);
  }

  /** Whether any handler matches `type`. */
  handles(type: string): boolean {
    return this.#plan(type).length > 0;
  }

  /** Runs every matching handler for `event`. Never throws for a handler's failure. */
  async dispatch(event: CastbusEvent, ctx: DispatchContext<S>): Promise<DispatchResult> {
    const errors: HandlerError[] = [];
    let ran = 0;
    for (const group of this.#plan(event.type)) {
      const results = await Promise.all(group.map((r) => this.#run(r, event, ctx)));
      for (const result of results) {
        if (result === "skipped") continue;
        ran += 1;
        if (result !== undefined) errors.push(result);
      }
    }
    return { ran, errors };
  }

  /** Totals per handler name. */
  stats(): Record<string, HandlerStats> {
    return Object.fromEntries(
      this.#registrations.map((r) => [
        r.name,
        { pattern: r.pattern, priority: r.priority, ...r.stats },
      ]),
    );
  }

  /** Registered handler names, in registration order. */
  names(): string[] {
    return this.#registrations.map((r) => r.name);
  }

  /** Matching registrations grouped by priority (highest first); cached per type. */
  #plan(type: string): Registration[][] {
    let plan = this.#plans.get(type);
    if (plan === undefined) {
      const byPriority = new Map<number, Registration[]>();
      for (const r of this.#registrations) {
        if (r.matches(type)) byPriority.set(r.priority, [...(byPriority.get(r.priority) ?? []), r]);
      }
      plan = [...byPriority.entries()].sort((a, b) => b[0] - a[0]).map(([, group]) => group);
      this.#plans.set(type, plan);
    }
    return plan;
  }

  async #run(
    r: Registration,
    event: CastbusEvent,
    ctx: DispatchContext<S>,
  ): Promise<HandlerError | undefined | "skipped"> {
    const timeoutMs = r.timeoutMs ?? ctx.handlerTimeoutMs;
    const handlerCtx = new HandlerRun(ctx, r.name, event, timeoutMs !== undefined);
    const started = performance.now();
    let failure: HandlerError | undefined;
    try {
      if (!(await accepts(r.filters, event, handlerCtx))) {
        r.stats.skipped += 1;
        return "skipped";
      }
      await withTimeout(r, event, handlerCtx, timeoutMs);
    } catch (error) {
      failure = new HandlerError({
        handlerName: r.name,
        eventType: event.type,
        eventId: event.id,
        cause: error,
      });
      handlerCtx.logger.error({ err: error }, "handler failed");
    }
    const durationMs = performance.now() - started;
    r.stats.calls += 1;
    r.stats.totalMs += durationMs;
    r.stats.maxMs = Math.max(r.stats.maxMs, durationMs);
    if (failure !== undefined) r.stats.failures += 1;
    ctx.onHandlerDone?.(r.name, durationMs, failure);
    return failure;
  }
}

async function accepts(
  filters: readonly Filter[],
  event: CastbusEvent,
  ctx: HandlerContext,
): Promise<boolean> {
  for (const filter of filters) if (!(await filter(event, ctx))) return false;
  return true;
}

async function withTimeout<S extends Services>(
  r: Registration,
  event: CastbusEvent,
  run: HandlerRun<S>,
  timeoutMs: number | undefined,
): Promise<void> {
  if (timeoutMs === undefined) {
    await r.handler(event, run as unknown as HandlerContext);
    return;
  }
  let handle: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    handle = setTimeout(() => {
      run.expire();
      reject(new HandlerTimeoutError(r.name, timeoutMs));
    }, timeoutMs);
  });
  try {
    await Promise.race([
      Promise.resolve(r.handler(event, run as unknown as HandlerContext)),
      expired,
    ]);
  } finally {
    clearTimeout(handle);
  }
}
