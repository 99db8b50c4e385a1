/**
 * A call the emulated OBS refuses, with the `requestStatus` code and comment the real server
 * answers with. Thrown by the programmatic API and turned into a failed RequestResponse when a
 * client's request hits it.
 */
export class ObsRequestError extends Error {
  override readonly name = "ObsRequestError";

  constructor(
    /** `RequestStatus` code, e.g. 600 ResourceNotFound. */
    readonly code: number,
    /** The comment the real server sends. */
    readonly comment: string,
  ) {
    super(`${code}: ${comment}`);
  }
}

/** Thrown by `startObsSimulator` when its options are invalid; lists every problem. */
export class ObsSimulatorConfigError extends Error {
  override readonly name = "ObsSimulatorConfigError";

  constructor(
    /** One line per invalid option. */
    readonly problems: readonly string[],
  ) {
    super(`invalid OBS simulator options: ${problems.join("; ")}`);
  }
}
