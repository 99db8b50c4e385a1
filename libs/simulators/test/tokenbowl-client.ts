import type { TokenBowlSimulator } from "../src/tokenbowl/index.js";

/** A response from the simulated API, body as text and (when it parses) JSON. */
export interface ApiResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test assertions read any shape
  readonly json: any;
}

/** Calls the simulator like a Token Bowl client: `X-API-Key`, JSON bodies. */
export async function api(
  sim: TokenBowlSimulator,
  path: string,
  options: { key?: string; method?: string; body?: unknown; rawBody?: string } = {},
): Promise<ApiResponse> {
  const headers: Record<string, string> = {};
  if (options.key !== undefined) headers["x-api-key"] = options.key;
  const body =
    options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(`${sim.url}${path}`, {
    method: options.method ?? (body === undefined ? "GET" : "POST"),
    headers,
    ...(body === undefined ? {} : { body }),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** `since` as a query string, percent-encoded the way URLSearchParams does. */
export function since(value: string, extra: Record<string, string> = {}): string {
  return `?${new URLSearchParams({ since: value, ...extra }).toString()}`;
}
