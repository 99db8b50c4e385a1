import type { CastbusEvent, KnownEventType } from "@castbus/events";

/** The logging surface handlers get (pino's Logger satisfies it). */
export interface HandlerLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  child(bindings: Record<string, unknown>): HandlerLogger;
}

/** Services registered on the worker (`worker.provide(name, value)`), keyed by name. */
export type Services = Record<string, unknown>;

/** What a handler receives beside the event. */
export interface HandlerContext<S extends Services = Services> {
  /** A logger bound to this handler and event. */
  readonly logger: HandlerLogger;
  /** Publishes a `custom.<name>` event through JetStream (handler chaining); resolves on ack. */
  emit(type: `custom.${string}`, data: Record<string, unknown>): Promise<void>;
  /** Aborted on shutdown or when the handler's time is up. */
  readonly signal: AbortSignal;
  /** 1 on the first delivery of this event, 2 on the first redelivery, ... */
  readonly attempt: number;
  /** Registered services (dependency injection). */
  readonly services: S;
}

/** The event type(s) a pattern can match, as far as the type system can tell. */
export type TypesMatching<P extends string> = P extends KnownEventType
  ? P
  : P extends `custom.${string}`
    ? P extends `${string}*${string}` | `${string}>`
      ? `custom.${string}`
      : P
    : P extends `${infer Prefix}.>`
      ? | Extract<KnownEventType, `${Prefix}.${string}`>
        | (Prefix extends "custom" ? `custom.${string}` : never)
      : KnownEventType | `custom.${string}`;

/** The event a handler registered under pattern `P` receives. */
export type EventFor<P extends string> = CastbusEvent<TypesMatching<P>>;

/** A handler: anything it returns is ignored; a throw (or rejection) is a failure. */
export type Handler<E = CastbusEvent, S extends Services = Services> = (
  event: E,
  ctx: HandlerContext<S>,
) => unknown;

/** A filter: the handler runs only when it returns true. */
export type Filter<E = CastbusEvent, S extends Services = Services> = (
  event: E,
  ctx: HandlerContext<S>,
) => boolean | Promise<boolean>;

/** Options of `router.on`. */
export interface HandlerOptions<E = CastbusEvent, S extends Services = Services> {
  /** Higher runs first; handlers of equal priority run concurrently. Default 0. */
  readonly priority?: number;
  /** Run only for events this accepts (several filters: all must accept). */
  readonly filter?: Filter<E, S> | readonly Filter<E, S>[];
  /** Name in logs, stats, metrics and dead-letter headers. Default: the function's name, else `<pattern>#<n>`. */
  readonly name?: string;
  /** Per-handler time limit, overriding the dispatch default. */
  readonly timeoutMs?: number;
}

/** Per-handler totals from `router.stats()`. */
export interface HandlerStats {
  readonly pattern: string;
  readonly priority: number;
  readonly calls: number;
  readonly failures: number;
  readonly skipped: number;
  readonly totalMs: number;
  readonly maxMs: number;
}
