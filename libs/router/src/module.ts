import type { EventRouter } from "./router.js";
import type { Services } from "./types.js";

/** The logging surface a handler module gets at registration (pino's Logger satisfies it). */
export interface SetupLogger {
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
}

/** What a handler module's register function gets besides the router. */
export interface WorkerSetup {
  /** Registers a service that handlers receive as `ctx.services[name]`. */
  provide<V>(name: string, value: V): void;
  /** Services registered so far (by the worker or earlier modules). */
  readonly services: Readonly<Services>;
  /** The worker's environment (modules read their own settings from it). */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly logger: SetupLogger;
}

/**
 * What a handler module (`WORKER_HANDLERS=./my-handlers.js`) exports, as `default` or `register`:
 * an {@link EventRouter} whose handlers the worker adopts, or a function that registers handlers
 * on the worker's router (and may `provide` services).
 */
export type HandlerModule =
  EventRouter | ((router: EventRouter, worker: WorkerSetup) => void | Promise<void>);
