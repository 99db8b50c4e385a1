import type { IncomingMessage } from "node:http";
import { invalid, type FieldIssue } from "./reply.js";

/**
 * Request parsing with FastAPI's failure shapes: every problem becomes a pydantic-style issue
 * in a 422 `{"detail": [...]}` list (reference §9), with pydantic's `type` and `msg` texts.
 */

const MAX_BODY_BYTES = 1024 * 1024;

/** A JSON request body as an object, or a 422 (`json_invalid`, `model_attributes_type`). */
export async function readJsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) break;
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw invalid([
      {
        type: "json_invalid",
        loc: ["body", 0],
        msg: "JSON decode error",
        input: {},
        ctx: { error: "Expecting value" },
      },
    ]);
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw invalid([
      {
        type: "model_attributes_type",
        loc: ["body"],
        msg: "Input should be a valid dictionary or object to extract fields from",
        input: body,
      },
    ]);
  }
  return body as Record<string, unknown>;
}

/** Collects issues while fields are read, then throws them together. */
export class Issues {
  readonly #issues: FieldIssue[] = [];

  /** A query integer (`limit`, `offset`); FastAPI has no bounds on these endpoints. */
  queryInt(url: URL, name: string, fallback: number): number {
    const value = url.searchParams.get(name);
    if (value === null) return fallback;
    if (!/^\s*[+-]?\d+\s*$/.test(value)) {
      this.#issues.push({
        type: "int_parsing",
        loc: ["query", name],
        msg: "Input should be a valid integer, unable to parse string as an integer",
        input: value,
      });
      return fallback;
    }
    return Number.parseInt(value, 10);
  }

  /** A body string of `min`–`max` characters; `null` counts as absent for optional fields. */
  text(
    body: Record<string, unknown>,
    key: string,
    rules: { min?: number; max?: number; required: boolean },
  ): string | undefined {
    const value = body[key];
    const loc = ["body", key];
    if (value === undefined || (value === null && !rules.required)) {
      if (rules.required)
        this.#issues.push({ type: "missing", loc, msg: "Field required", input: body });
      return undefined;
    }
    if (typeof value !== "string") {
      this.#issues.push({
        type: "string_type",
        loc,
        msg: "Input should be a valid string",
        input: value,
      });
      return undefined;
    }
    const { min, max } = rules;
    if (min !== undefined && value.length < min) {
      const msg = `String should have at least ${min} character${min === 1 ? "" : "s"}`;
      this.#issues.push({
        type: "string_too_short",
        loc,
        msg,
        input: value,
        ctx: { min_length: min },
      });
    } else if (max !== undefined && value.length > max) {
      const msg = `String should have at most ${max} character${max === 1 ? "" : "s"}`;
      this.#issues.push({
        type: "string_too_long",
        loc,
        msg,
        input: value,
        ctx: { max_length: max },
      });
    }
    return value;
  }

  /** An issue the caller worked out itself (an unknown logo, a bad URL). */
  add(issue: FieldIssue): void {
    this.#issues.push(issue);
  }

  /** Throws the 422 when anything was wrong. */
  check(): void {
    if (this.#issues.length > 0) throw invalid(this.#issues);
  }
}
