/**
 * Token Bowl timestamps (reference §4, §6). The server writes Python `isoformat()` text —
 * `2025-11-05T18:22:41.503912+00:00`, no fraction on a whole second — and compares a `since`
 * value with the stored text as a string. A JS `Date` keeps milliseconds only, so times here are
 * whole microseconds since the epoch, as `bigint`.
 */

const PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * Microseconds since the epoch of an ISO 8601 timestamp as Token Bowl sends them (also the
 * `Z` form its docs show, and a naive time, read as UTC), or `undefined` when it is not one.
 */
export function timestampMicros(text: string): bigint | undefined {
  const match = PATTERN.exec(text);
  if (match === null) return undefined;
  const [, year, month, day, hour, minute, second, fraction = "", offset = "Z"] = match;
  const ms = Date.UTC(+year!, +month! - 1, +day!, +hour!, +minute!, +second!);
  const check = new Date(ms);
  // Date.UTC rolls 13 months or 25 hours over into the next unit; Python rejects them.
  if (
    Number.isNaN(ms) ||
    check.getUTCMonth() !== +month! - 1 ||
    check.getUTCDate() !== +day! ||
    check.getUTCHours() !== +hour! ||
    check.getUTCMinutes() !== +minute!
  ) {
    return undefined;
  }
  const micros = BigInt(fraction.slice(0, 6).padEnd(6, "0"));
  return (BigInt(ms) - BigInt(offsetMinutes(offset)) * 60_000n) * 1000n + micros;
}

function offsetMinutes(offset: string): number {
  if (offset.toUpperCase() === "Z") return 0;
  const digits = offset.slice(1).replace(":", "").padEnd(4, "0");
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4));
  return offset.startsWith("-") ? -minutes : minutes;
}

/**
 * The server's own text for an instant: UTC, `+00:00`, six fraction digits unless they are all
 * zero. Strings in this form sort as the instants do, which is what the server's text
 * comparison of `since` relies on — so every `since` this ingester sends is in this form.
 */
export function pythonIsoUtc(micros: bigint): string {
  const seconds = micros / 1_000_000n;
  const fraction = micros % 1_000_000n;
  const base = new Date(Number(seconds) * 1000).toISOString().slice(0, 19);
  return `${base}${fraction === 0n ? "" : `.${fraction.toString().padStart(6, "0")}`}+00:00`;
}

/** The larger of two optional instants. */
export function later(a: bigint | undefined, b: bigint | undefined): bigint | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a > b ? a : b;
}
