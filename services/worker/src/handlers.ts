import { summarizeEvent } from "@castbus/events";
import { EventRouter, type Services, type WorkerSetup } from "@castbus/router";
import type { Logger } from "@castbus/telemetry";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

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

/** The router and services `WORKER_HANDLERS` describe. */
export interface LoadedHandlers {
  readonly router: EventRouter;
  readonly services: Services;
}

/**
 * Builds the worker's router from `WORKER_HANDLERS` entries: built-in names (`log`) and module
 * paths (relative to the working directory; `.js`, `.mjs`, or `.ts` — Node 24 strips the types).
 * Fails loudly at start for a missing module or a module that exports no handlers.
 */
export async function loadHandlers(
  entries: readonly string[],
  setup: { env?: WorkerSetup["env"]; logger: Logger; services?: Services },
): Promise<LoadedHandlers> {
  const router = new EventRouter();
  const services: Services = { ...setup.services };
  const worker: WorkerSetup = {
    provide: (name, value) => {
      if (Object.hasOwn(services, name))
        throw new TypeError(`a service named ${name} is already provided`);
      services[name] = value;
    },
    services,
    env: setup.env ?? process.env,
    logger: setup.logger,
  };
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
      await (exported as (r: EventRouter, w: WorkerSetup) => unknown)(router, worker);
    } else {
      throw new TypeError(
        `${entry} exports no handlers (export default an EventRouter or a function (router, worker) => void)`,
      );
    }
  }
  if (router.names().length === 0) throw new TypeError("WORKER_HANDLERS registered no handler");
  return { router, services };
}

/** A router from any copy of `@castbus/router` (a module may resolve its own). */
function isRouterLike(value: unknown): value is Parameters<EventRouter["include"]>[0] {
  return typeof (value as { definitions?: unknown } | null)?.definitions === "function";
}
