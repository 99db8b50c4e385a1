/**
 * Token Bowl's timestamps, as the Python server makes and reads them (reference §4, §6):
 * `datetime.now(UTC).isoformat()` — microseconds and `+00:00`, no fraction when the microseconds
 * are 0 — stored as text; a `since` value goes through `datetime.fromisoformat` and back through
 * `isoformat()`, and is then compared to the stored text as a string.
 */

const MICROS_PER_SECOND = 1_000_000n;

/** A microsecond wall clock (the server's `datetime.now(UTC)`); two calls can return the same value. */
export class MicroClock {
  readonly #startMicros = BigInt(Date.now()) * 1000n;
  readonly #startHr = process.hrtime.bigint();

  /** Microseconds since the epoch. */
  now(): bigint {
    return this.#startMicros + (process.hrtime.bigint() - this.#startHr) / 1000n;
  }
}

/** `2025-11-05T18:22:41.503912+00:00` (or `2025-11-05T18:22:41+00:00` on a whole second). */
export function pythonIsoUtc(micros: bigint): string {
  const seconds = micros / MICROS_PER_SECOND;
  const fraction = micros % MICROS_PER_SECOND;
  const base = new Date(Number(seconds) * 1000).toISOString().slice(0, 19);
  return `${base}${fraction === 0n ? "" : `.${fraction.toString().padStart(6, "0")}`}+00:00`;
}

const ISO = new RegExp(
  String.raw`^(\d{4})-(\d{2})-(\d{2})` +
    // Python 3.11 accepts any single character between date and time.
    String.raw`(?:.(\d{2})(?::(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?` +
    String.raw`(Z|[+-]\d{2}(?::?\d{2})?)?)?$`,
  "u",
);

/**
 * What the server turns a `since` query value into: `fromisoformat(since.replace("Z", "+00:00"))
 * .isoformat()`, or `undefined` where Python raises (the server then answers 400). A `+` that
 * arrived as a space, as an unencoded query string makes it, is not a valid offset.
 */
export function normalizeSince(text: string): string | undefined {
  const match = ISO.exec(text.replace("Z", "+00:00"));
  if (match === null) return undefined;
  const [, year, month, day, hour = "00", minute = "00", second = "00", fraction, offset] = match;
  const ms = Date.UTC(Number(year), Number(month) - 1, Number(day), +hour, +minute, +second);
  const check = new Date(ms);
  if (
    Number.isNaN(ms) ||
    check.getUTCDate() !== Number(day) ||
    check.getUTCMonth() !== Number(month) - 1 ||
    check.getUTCHours() !== Number(hour) ||
    check.getUTCMinutes() !== Number(minute) ||
    check.getUTCSeconds() !== Number(second)
  ) {
    return undefined;
  }
  // Digits beyond microseconds are dropped, as Python 3.11 does.
  const micros = (fraction ?? "").slice(0, 6).padEnd(6, "0");
  const time = `${year}-${month}-${day}T${hour}:${minute}:${second}`;
  return `${time}${micros === "000000" ? "" : `.${micros}`}${pythonOffset(offset)}`;
}

/** Python prints an aware datetime's offset as `±HH:MM` (UTC as `+00:00`), a naive one not at all. */
function pythonOffset(offset: string | undefined): string {
  if (offset === undefined) return "";
  const digits = offset.slice(1).replace(":", "").padEnd(4, "0");
  const sign = digits === "0000" ? "+" : offset[0];
  return `${sign}${digits.slice(0, 2)}:${digits.slice(2, 4)}`;
}
