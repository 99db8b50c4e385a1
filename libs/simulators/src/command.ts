import type { ParseArgsOptionsConfig } from "node:util";

/** Flag values as `node:util` parseArgs returns them. */
export type FlagValues = Readonly<
  Record<string, string | boolean | (string | boolean)[] | undefined>
>;

/** A simulator started from the command line. */
export interface RunningSimulator {
  /** Printed as the one JSON line that tells a supervisor the simulator is listening. */
  readonly announcement: Readonly<Record<string, unknown>>;
  /** Stops it; the CLI exits once this resolves. */
  close(): Promise<void>;
}

/**
 * One `castbus-sim <name>` subcommand. Each simulator adds one of these and registers it in
 * `main.ts`; parsing, the ready line, signals and exit codes stay in one place.
 */
export interface SimulatorCommand {
  /** One line for the usage text. */
  readonly summary: string;
  /** The flag lines of the usage text. */
  readonly usage: string;
  /** The flags, in `node:util` parseArgs form. */
  readonly options: ParseArgsOptionsConfig;
  /** Validates `values` (throwing {@link UsageError}) and starts the simulator. */
  start(values: FlagValues): Promise<RunningSimulator>;
}

/** A bad command line: the CLI prints the message and the usage, and exits 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}
