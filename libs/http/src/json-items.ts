import { isUtf8 } from "node:buffer";

/**
 * The exact text of each element of the array under top-level `key` of a JSON response body
 * (`{"events": [...]}`), found by one scan (strings and escapes respected, nesting counted, no
 * recursion) — so a dead letter keeps the bytes the server sent, even for an item nested too
 * deeply to re-serialize. `undefined` when the body has no such array; the last one when the key
 * repeats (as `JSON.parse` keeps).
 */
export function jsonArrayItemTexts(body: string, key: string): string[] | undefined {
  let depth = 0;
  let inString = false;
  let stringStart = -1;
  let lastKey: string | undefined;
  let lastString: string | undefined;
  let capturing = false;
  let elementStart = -1;
  let items: string[] = [];
  let found: string[] | undefined;
  for (let i = 0; i < body.length; i++) {
    const ch = body.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c)
        i++; // backslash: skip the escaped character
      else if (ch === 0x22) {
        inString = false;
        if (depth === 1 && !capturing) lastString = body.slice(stringStart + 1, i);
      }
      continue;
    }
    if (capturing && depth === 2 && elementStart < 0 && !isSpace(ch) && ch !== 0x5d)
      elementStart = i;
    switch (ch) {
      case 0x22: // "
        inString = true;
        stringStart = i;
        break;
      case 0x3a: // :
        if (depth === 1) lastKey = lastString;
        break;
      case 0x7b: // {
      case 0x5b: // [
        depth++;
        if (depth === 2 && ch === 0x5b && lastKey === key) capturing = true;
        break;
      case 0x2c: // ,
        if (capturing && depth === 2) {
          items.push(body.slice(elementStart, i).trimEnd());
          elementStart = -1;
        }
        break;
      case 0x7d: // }
      case 0x5d: // ]
        if (capturing && depth === 2 && ch === 0x5d) {
          if (elementStart >= 0) items.push(body.slice(elementStart, i).trimEnd());
          found = items;
          items = [];
          capturing = false;
          elementStart = -1;
        }
        depth--;
        break;
      default:
        break;
    }
  }
  return found;
}

function isSpace(ch: number): boolean {
  return ch === 0x20 || ch === 0x0a || ch === 0x0d || ch === 0x09;
}

/**
 * The elements of the array under top-level `key` whose bytes are not valid UTF-8, by index,
 * with their exact bytes; empty when the body is valid UTF-8 (the common case, checked natively).
 * JSON's structure is ASCII and no byte of a multi-byte UTF-8 sequence is, so the text scan over
 * the body read as Latin-1 (one character per byte) finds the same elements, at byte offsets.
 */
export function invalidUtf8Items(body: Buffer, key: string): Map<number, Buffer> {
  const invalid = new Map<number, Buffer>();
  if (isUtf8(body)) return invalid;
  const items = jsonArrayItemTexts(body.toString("latin1"), key) ?? [];
  items.forEach((text, index) => {
    const bytes = Buffer.from(text, "latin1");
    if (!isUtf8(bytes)) invalid.set(index, bytes);
  });
  return invalid;
}
