import { ConfigError } from "@castbus/config";

/** What a started service offers the process around it. */
export interface RunningService {
  /** Graceful stop: drain, flush, close. */
  stop(): Promise<void>;
  readonly logger?: { info(obj: object, msg?: string): void };
}

/** A service's `main`: how to read its configuration and how to start it. */
export interface ServiceMain<C, S extends RunningService> {
  /** Prefix of the one-line errors on stderr (`ingester-chaturbate: ...`). */
  readonly name: string;
  /** Reads the environment; a `ConfigError` exits 2 with every problem listed. */
  loadConfig(): C;
  /** Starts the service; `fail(code)` stops it and exits with `code` (e.g. on a fatal upstream error). */
  start(config: C, fail: (code: number) => void): Promise<S>;
}

/**
 * The process around a service, the same for every castbus service: configuration problems exit
 * 2; SIGTERM/SIGINT are handled from the first moment (a signal while the service is still
 * starting — waiting for NATS, say — exits at once; after that it stops gracefully and exits 0);
 * a start that throws exits 1 with the reason; `fail(code)` stops and exits with `code`.
 */
export async function runService<C, S extends RunningService>(
  main: ServiceMain<C, S>,
): Promise<void> {
  let config: C;
  try {
    config = main.loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${main.name}: ${error.message}\n`);
    process.exit(2);
  }
  let service: S | undefined;
  let exitCode: number | undefined;
  const exit = (code: number) => {
    if (exitCode !== undefined) return;
    exitCode = code;
    if (service === undefined) process.exit(code); // nothing started yet: nothing to flush
    void service.stop().finally(() => process.exit(code));
  };
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => {
      service?.logger?.info({ signal }, "stopping");
      exit(0);
    });
  }
  try {
    service = await main.start(config, exit);
  } catch (error) {
    process.stderr.write(`${main.name}: ${(error as Error).message}\n`);
    process.exit(1);
  }
}
