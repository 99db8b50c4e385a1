/** Bad arguments: the command prints this line and its usage, and exits 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** A destructive command was not confirmed (no `--yes` on a non-TTY): exit 2, nothing done. */
export class NotConfirmedError extends Error {
  override readonly name = "NotConfirmedError";
}

/** A runtime failure with a message fit to show as is (one line): exit 1. */
export class CliError extends Error {
  override readonly name = "CliError";
}
