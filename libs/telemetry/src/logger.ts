import { Secret } from "@castbus/config";
import { pino, stdSerializers, type DestinationStream, type Logger } from "pino";

export type { Logger } from "pino";

/** Log levels castbus accepts in `LOG_LEVEL`. */
export const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;
/** One of {@link LOG_LEVELS}. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** Service name, written as `service` on every line. */
  service: string;
  level?: LogLevel;
  /** Where lines go; stdout by default. Tests pass a capturing stream. */
  destination?: DestinationStream;
}

const REDACTED = "<redacted>";

/**
 * Object paths that carry credentials in any library's objects. Values at these paths never
 * reach the output, whatever their type.
 */
const REDACT_PATHS = [
  "token",
  "password",
  "apiKey",
  "secret",
  "clientSecret",
  "accessToken",
  "refreshToken",
  "authorization",
  "*.token",
  "*.password",
  "*.apiKey",
  "*.secret",
  "*.clientSecret",
  "*.accessToken",
  "*.refreshToken",
  "*.authorization",
  "headers.authorization",
  "*.headers.authorization",
  'headers["x-api-key"]',
  '*.headers["x-api-key"]',
];

/**
 * A pino logger writing one JSON object per line. Secrets are kept out three ways: values of
 * `Secret` print as `<redacted>`; known credential paths are censored; and, as the last line of
 * defence, every line is scrubbed of the literal value (raw and URL-encoded) of every `Secret`
 * created in this process — which catches a token embedded in a URL or an upstream error text.
 */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level ?? "info",
      base: { service: options.service },
      timestamp: pino.stdTimeFunctions.isoTime,
      messageKey: "msg",
      formatters: { level: (label) => ({ level: label }) },
      serializers: { err: stdSerializers.err, error: stdSerializers.err },
      redact: { paths: REDACT_PATHS, censor: REDACTED },
      hooks: { streamWrite: scrubSecrets },
    },
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}

/** Replaces every known secret value in `text` with `<redacted>`. */
export function scrubSecrets(text: string): string {
  let out = text;
  for (const form of secretForms()) {
    if (out.includes(form)) out = out.split(form).join(REDACTED);
  }
  return out;
}

let cachedFor: readonly string[] = [];
let cachedForms: readonly string[] = [];

/**
 * Every textual form of every known secret (raw, URL-encoded, JSON-escaped), longest first, so
 * a secret that contains a shorter one is replaced whole rather than partly.
 */
function secretForms(): readonly string[] {
  const known = Secret.knownValues();
  if (known.length !== cachedFor.length || known.some((v, i) => v !== cachedFor[i])) {
    const forms = new Set<string>();
    for (const value of known) {
      for (const form of [value, encodeURIComponent(value)]) {
        forms.add(form);
        forms.add(JSON.stringify(form).slice(1, -1));
      }
    }
    cachedFor = known;
    cachedForms = [...forms].sort((a, b) => b.length - a.length);
  }
  return cachedForms;
}
