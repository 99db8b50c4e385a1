/**
 * Every error the gateway answers with, as RFC 9457 problem details
 * (`application/problem+json`). The catalog is a contract: the README lists each code and a test
 * keeps the two in step.
 */
export const PROBLEMS = {
  unauthorized: {
    status: 401,
    title: "Authentication required",
    hint: "send Authorization: Bearer <token>",
  },
  forbidden: {
    status: 403,
    title: "Token not accepted",
    hint: "the bearer token is not one of GATEWAY_TOKENS",
  },
  "not-found": {
    status: 404,
    title: "No such endpoint",
    hint: "POST /v1/events, GET /openapi.json",
  },
  "method-not-allowed": { status: 405, title: "Method not allowed", hint: "use POST" },
  "payload-too-large": {
    status: 413,
    title: "Request body too large",
    hint: "see GATEWAY_MAX_BODY_BYTES",
  },
  "unsupported-media-type": {
    status: 415,
    title: "Body must be JSON",
    hint: "send Content-Type: application/json",
  },
  "invalid-json": { status: 400, title: "Body is not valid JSON", hint: "check the request body" },
  "validation-failed": {
    status: 422,
    title: "Events failed validation",
    hint: "see errors[]: path and message per problem",
  },
  "rate-limited": {
    status: 429,
    title: "Too many events",
    hint: "wait Retry-After seconds; see GATEWAY_RATE_PER_MIN",
  },
  unavailable: {
    status: 503,
    title: "JetStream did not acknowledge in time",
    hint: "retry with the same ids: retries are idempotent",
  },
  internal: { status: 500, title: "Internal error", hint: "see the gateway's logs" },
} as const;

/** A problem code from the catalog. */
export type ProblemCode = keyof typeof PROBLEMS;

/** One validation problem inside a `validation-failed` answer. */
export interface FieldError {
  readonly path: string;
  readonly message: string;
}

/** The body of a problem answer. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly errors?: readonly FieldError[];
}

/** Builds the problem document for `code`. */
export function problem(
  code: ProblemCode,
  detail?: string,
  errors?: readonly FieldError[],
): Problem {
  const entry = PROBLEMS[code];
  return {
    type: `https://castbus.dev/problems/${code}`,
    title: entry.title,
    status: entry.status,
    detail: detail ?? entry.hint,
    ...(errors === undefined ? {} : { errors }),
  };
}
