// A minimal long-poll client for the tests: real HTTP through global fetch, timing included.
import type { ChaturbateSimulator } from "../src/index.js";

/** A 24-character token, the documented length. */
export const TOKEN = "abcdefghijklmnopqrstuvwx";

/** The shape of a 200 answer, loosely typed as a client would parse it. */
export interface Batch {
  readonly events: { method: string; object: Record<string, unknown>; id: string }[];
  readonly nextUrl: string;
}

/** A completed request: status, headers, parsed JSON body (or raw text), elapsed time. */
export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly body: unknown;
  readonly elapsedMs: number;
}

/** The base feed URL of `username`, with an optional query string. */
export function feedUrl(
  sim: ChaturbateSimulator,
  username: string,
  query = "",
  token = TOKEN,
): string {
  return `${sim.baseUrl}/${username}/${token}/${query}`;
}

/** GETs `url` and reads the whole body. */
export async function get(url: string, init: RequestInit = {}): Promise<Answer> {
  const started = performance.now();
  const response = await fetch(url, { redirect: "manual", ...init });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: some faults serve raw bodies on purpose.
  }
  return {
    status: response.status,
    headers: response.headers,
    text,
    body,
    elapsedMs: performance.now() - started,
  };
}

/** GETs `url` and expects a 200 batch. */
export async function poll(url: string): Promise<Batch & { elapsedMs: number }> {
  const answer = await get(url);
  if (answer.status !== 200) throw new Error(`expected 200, got ${answer.status}: ${answer.text}`);
  return { ...(answer.body as Batch), elapsedMs: answer.elapsedMs };
}

/** The `i` parameter of a `nextUrl`, or null. */
export function cursorOf(nextUrl: string): string | null {
  return new URL(nextUrl).searchParams.get("i");
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
