import type { CastbusEvent } from "@castbus/events";
import type { HandlerContext, HandlerLogger, Services } from "./types.js";

/** What a handler run needs from the dispatch. */
export interface RunParent<S extends Services> {
  readonly logger: HandlerLogger;
  emitFor(handlerName: string): HandlerContext<S>["emit"];
  readonly signal: AbortSignal;
  readonly attempt: number;
  readonly services: S;
}

/**
 * The `ctx` one handler gets for one event. Its logger, emitter and signal are built only when
 * the handler touches them: most handlers use none, and on the hot path (thousands of events a
 * second) a pino child logger and an `AbortSignal.any` per run are what would cost the most.
 */
export class HandlerRun<S extends Services> implements HandlerContext<S> {
  readonly #parent: RunParent<S>;
  readonly #name: string;
  readonly #event: CastbusEvent;
  readonly #timed: boolean;
  #logger: HandlerLogger | undefined;
  #emit: HandlerContext<S>["emit"] | undefined;
  #controller: AbortController | undefined;
  #signal: AbortSignal | undefined;
  #expired = false;

  constructor(parent: RunParent<S>, name: string, event: CastbusEvent, timed: boolean) {
    this.#parent = parent;
    this.#name = name;
    this.#event = event;
    this.#timed = timed;
  }

  get logger(): HandlerLogger {
    this.#logger ??= this.#parent.logger.child({
      handler: this.#name,
      eventId: this.#event.id,
      eventType: this.#event.type,
    });
    return this.#logger;
  }

  get emit(): HandlerContext<S>["emit"] {
    this.#emit ??= this.#parent.emitFor(this.#name);
    return this.#emit;
  }

  get signal(): AbortSignal {
    if (!this.#timed) return this.#parent.signal;
    if (this.#signal === undefined) {
      this.#controller = new AbortController();
      if (this.#expired) this.#controller.abort();
      this.#signal = AbortSignal.any([this.#parent.signal, this.#controller.signal]);
    }
    return this.#signal;
  }

  get attempt(): number {
    return this.#parent.attempt;
  }

  get services(): S {
    return this.#parent.services;
  }

  /** The handler's time is up: its signal (if it asked for one) aborts. */
  expire(): void {
    this.#expired = true;
    this.#controller?.abort();
  }
}
