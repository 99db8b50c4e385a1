/**
 * Deepest nesting accepted in a request body (objects and arrays). Deep enough for any real
 * event, shallow enough that every consumer's parser reads what the bus carries (serde_json stops
 * at 128, and recursive serializers overflow in the thousands).
 */
export const MAX_DEPTH = 64;

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** The body as text; `undefined` when it is not valid UTF-8 (bytes that would become U+FFFD). */
export function decodeUtf8(body: Uint8Array): string | undefined {
  try {
    return utf8.decode(body);
  } catch {
    return undefined;
  }
}

/**
 * What is wrong with a parsed body's shape, if anything: nesting deeper than {@link MAX_DEPTH},
 * or a `__proto__` key (schema validation would silently drop it, and a JavaScript consumer might
 * merge it into a prototype). Iterative, so hostile nesting cannot overflow the stack here.
 */
export function bodyShapeProblem(body: unknown): string | undefined {
  const stack: { node: unknown; depth: number }[] = [{ node: body, depth: 0 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (typeof node !== "object" || node === null) continue;
    if (depth >= MAX_DEPTH) return `is nested deeper than ${MAX_DEPTH} levels`;
    if (Array.isArray(node)) {
      for (const child of node) stack.push({ node: child, depth: depth + 1 });
      continue;
    }
    for (const [key, child] of Object.entries(node)) {
      if (key === "__proto__") return "has a __proto__ key, which is not accepted";
      stack.push({ node: child, depth: depth + 1 });
    }
  }
  return undefined;
}
