import { createEnvelope, type CastbusEvent } from "@castbus/events";
import type { DispatchContext, HandlerLogger } from "../src/index.js";

/** A logger that keeps what handlers log. */
export function memoryLogger(lines: Record<string, unknown>[] = []): HandlerLogger {
  const make = (bindings: Record<string, unknown>): HandlerLogger => {
    const write = (level: string) => (obj: object, msg?: string) =>
      void lines.push({ level, ...bindings, ...obj, msg });
    return {
      debug: write("debug"),
      info: write("info"),
      warn: write("warn"),
      error: write("error"),
      child: (b) => make({ ...bindings, ...b }),
    };
  };
  return make({});
}

/** A dispatch context whose emits are collected. */
export function context(
  overrides: Partial<DispatchContext> = {},
): DispatchContext & { emitted: unknown[] } {
  const emitted: unknown[] = [];
  return {
    logger: memoryLogger(),
    emitFor: (handler) => async (type, data) => void emitted.push({ handler, type, data }),
    signal: new AbortController().signal,
    attempt: 1,
    services: {},
    emitted,
    ...overrides,
  };
}

/** An event of any type with the given data. */
export function event(type: string, data: Record<string, unknown> = {}): CastbusEvent {
  return createEnvelope({ id: `id-${type}`, source: "test/x", type, data }) as CastbusEvent;
}
