/** Thrown when a simulator call names an account that was never added. */
export class UnknownAccountError extends Error {
  override readonly name = "UnknownAccountError";

  constructor(
    /** The username that has no account. */
    readonly username: string,
  ) {
    super(`no simulated account named ${JSON.stringify(username)}`);
  }
}

/** Thrown when a simulator call or control request carries an argument it cannot use. */
export class InvalidInputError extends Error {
  override readonly name = "InvalidInputError";

  constructor(
    /** Which argument or body field was wrong, e.g. `"fault.status"`. */
    readonly field: string,
    /** What was wrong with it. */
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

/** Thrown by `startChaturbateSimulator` when its options are invalid; lists every problem. */
export class SimulatorConfigError extends Error {
  override readonly name = "SimulatorConfigError";

  constructor(
    /** One line per invalid option. */
    readonly problems: readonly string[],
  ) {
    super(`invalid simulator options: ${problems.join("; ")}`);
  }
}
