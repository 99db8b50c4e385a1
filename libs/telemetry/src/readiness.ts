/** The state of one readiness check. */
export interface CheckState {
  readonly ok: boolean;
  /** Why it is not ok (shown on `/readyz`; never holds a secret). */
  readonly reason?: string;
  readonly since: string;
}

/** What `/readyz` answers. */
export interface ReadinessReport {
  readonly ready: boolean;
  readonly checks: Readonly<Record<string, CheckState>>;
}

/**
 * Named readiness checks (`nats`, `streams`, `upstream:alice`, ...). The service is ready when
 * every check is ok; a check that was never set counts as not ok, so declare checks up front.
 */
export class Readiness {
  readonly #checks = new Map<string, CheckState>();

  /** Declares checks that start as not ok ("starting"). */
  declare(...names: string[]): void {
    for (const name of names) {
      if (!this.#checks.has(name)) this.set(name, false, "starting");
    }
  }

  /** Records the state of one check; a repeat of the same state keeps its `since`. */
  set(name: string, ok: boolean, reason?: string): void {
    const current = this.#checks.get(name);
    const stored = ok ? undefined : reason; // an ok check has no reason to show
    if (current !== undefined && current.ok === ok && current.reason === stored) return;
    this.#checks.set(name, {
      ok,
      ...(stored === undefined ? {} : { reason: stored }),
      since: new Date().toISOString(),
    });
  }

  /** Removes a check (for example when an account is removed). */
  delete(name: string): void {
    this.#checks.delete(name);
  }

  /** The state of one check. */
  get(name: string): CheckState | undefined {
    return this.#checks.get(name);
  }

  /** Every check and the overall verdict. */
  report(): ReadinessReport {
    const checks = Object.fromEntries(this.#checks);
    return {
      ready: this.#checks.size > 0 && [...this.#checks.values()].every((c) => c.ok),
      checks,
    };
  }
}
