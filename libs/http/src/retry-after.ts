/** Longest Retry-After castbus honours, so a hostile or broken header cannot park a source. */
export const MAX_RETRY_AFTER_MS = 10 * 60_000;

/**
 * Parses a `Retry-After` header (delay-seconds or HTTP-date) into milliseconds from `now`.
 * Returns `undefined` for a missing or unparsable value; clamps to [0, {@link MAX_RETRY_AFTER_MS}].
 */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (text === "") return undefined;
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(text)) {
    ms = Number(text) * 1000;
  } else {
    // An HTTP-date names a weekday or month; anything else (`-5`, `.5`) is not one, whatever
    // Date.parse's leniency makes of it.
    if (!/[A-Za-z]{3}/.test(text)) return undefined;
    const at = Date.parse(text);
    if (Number.isNaN(at)) return undefined;
    ms = at - now;
  }
  return Math.min(Math.max(0, Math.round(ms)), MAX_RETRY_AFTER_MS);
}
