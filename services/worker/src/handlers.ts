import { summarizeEvent } from "@castbus/events";
import { EventRouter } from "@castbus/router";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

/**
 * What a handler module exports (default or `register`): an {@link EventRouter} whose handlers
 * are added to the worker's, or a function that registers handlers on the worker's router.
 */
export type HandlerModule = EventRouter | ((router: EventRouter) => void | Promise<void>);

/** Built-in handlers, by the name used in `WORKER_HANDLERS`. */
const BUILT_INS: Record<string, (router: EventRouter) => void> = {
  /** One log line per event: type, id, source and a readable summary. */
  log: (router) =>
    router.on(
      ">",
      (event, ctx) => {
        ctx.logger.info(
          { type: event.type, source: event.source, summary: summarizeEvent(event) },
          "event",
        );
      },
      { name: "log" },
    ),
};

/**
 * Builds the worker's router from `WORKER_HANDLERS` entries: built-in names (`log`) and module
 * paths (relative to the working directory). Fails loudly at start for a missing module or a
 * module that exports no handlers.
 */
export async function loadHandlers(
  entries: readonly string[],
  router = new EventRouter(),
): Promise<EventRouter> {
  for (const entry of entries) {
    const builtIn = BUILT_INS[entry];
    if (builtIn !== undefined) {
      builtIn(router);
      continue;
    }
    const module = (await import(pathToFileURL(resolve(entry)).href)) as {
      default?: unknown;
      register?: unknown;
    };
    const exported = module.register ?? module.default;
    if (isRouterLike(exported)) {
      router.include(exported);
    } else if (typeof exported === "function") {
      await (exported as (r: EventRouter) => unknown)(router);
    } else {
      throw new TypeError(
        `${entry} exports no handlers (export default an EventRouter or a function (router) => void)`,
      );
    }
  }
  if (router.names().length === 0) throw new TypeError("WORKER_HANDLERS registered no handler");
  return router;
}

/** A router from any copy of `@castbus/router` (a module may resolve its own). */
function isRouterLike(value: unknown): value is Parameters<EventRouter["include"]>[0] {
  return typeof (value as { definitions?: unknown } | null)?.definitions === "function";
}
