import { inspect } from "node:util";

const REDACTED = "<redacted>";

/**
 * A secret value (token, password, API key). Every way of turning it into text — `String()`,
 * template literals, `JSON.stringify`, `util.inspect`, pino — prints `<redacted>`; only
 * {@link Secret.reveal} hands out the value, so a leak needs a visible call at the leak site.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
    Secret.#known.add(value);
  }

  /** The secret itself. Call it only where the value is sent to the upstream. */
  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }

  static readonly #known = new Set<string>();

  /**
   * Every secret value created in this process. The logger uses it as a last line of defence:
   * any of these strings in a log line is replaced before the line is written.
   */
  static knownValues(): readonly string[] {
    return [...Secret.#known].filter((value) => value.length >= 4);
  }
}

/** Whether `value` is a {@link Secret}. */
export function isSecret(value: unknown): value is Secret {
  return value instanceof Secret;
}
