/** One problem with one environment variable. */
export interface ConfigIssue {
  /** The variable, e.g. `CB_TIMEOUT_S`. */
  readonly variable: string;
  /** What is wrong, e.g. `must be an integer between 0 and 90`. Never contains the value of a secret. */
  readonly message: string;
}

/**
 * Thrown by `loadConfig` when the environment is invalid. Lists every problem at once so an
 * operator fixes them in one pass, and never echoes a secret's value.
 */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  /** Always false: a restart with the same environment fails the same way. */
  readonly retryable = false;
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    super(
      `invalid configuration (${issues.length} problem${issues.length === 1 ? "" : "s"}):\n` +
        issues.map((issue) => `  - ${issue.variable}: ${issue.message}`).join("\n"),
    );
    this.issues = issues;
  }
}
