/** What a service's `/readyz` said. */
export interface Readiness {
  readonly url: string;
  readonly ready: boolean;
  /** HTTP status; null when the service did not answer. */
  readonly status: number | null;
  /** The checks that are not ok, with why (from the service's readiness report). */
  readonly failing: readonly { check: string; reason: string }[];
  /** Why the service could not be asked (refused, timeout, not JSON); null when it answered. */
  readonly error: string | null;
}

const TIMEOUT_MS = 3000;

/** Asks `url` (a castbus service's `/readyz`): 200 = ready, 503 lists the failing checks. */
export async function checkReadiness(url: string, signal: AbortSignal): Promise<Readiness> {
  try {
    const res = await fetch(url, {
      signal: AbortSignal.any([signal, AbortSignal.timeout(TIMEOUT_MS)]),
    });
    const body = (await res.json().catch(() => ({}))) as {
      checks?: Record<string, { ok?: boolean; reason?: string }>;
    };
    const failing = Object.entries(body.checks ?? {})
      .filter(([, state]) => state.ok !== true)
      .map(([check, state]) => ({ check, reason: state.reason ?? "not ok" }));
    return { url, ready: res.status === 200, status: res.status, failing, error: null };
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const reason = cause?.code ?? cause?.message ?? (error as Error).message;
    return { url, ready: false, status: null, failing: [], error: `no answer: ${reason}` };
  }
}
