import { Writable } from "node:stream";
import { archiveLines } from "./archive.js";

/**
 * A destination for in-process loggers that keeps every line, so a test can assert on what a
 * component logged (and that no secret appears in it).
 */
export class LineCapture extends Writable {
  readonly lines: string[] = [];
  #partial = "";

  override _write(
    chunk: Buffer | string,
    _encoding: BufferEncoding,
    callback: (error?: Error | null) => void,
  ): void {
    const text = this.#partial + chunk.toString();
    const parts = text.split("\n");
    this.#partial = parts.pop() ?? "";
    const complete = parts.filter((line) => line.length > 0);
    this.lines.push(...complete);
    archiveLines(complete);
    callback();
  }

  /** The lines parsed as JSON (pino output). */
  json(): Record<string, unknown>[] {
    return this.lines.flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
  }

  /** Lines whose `msg` matches. */
  find(message: string | RegExp): Record<string, unknown>[] {
    return this.json().filter((line) =>
      typeof message === "string" ? line["msg"] === message : message.test(String(line["msg"])),
    );
  }
}

/** Every place `secret` (raw or URL-encoded) appears in `texts`; empty when none. */
export function findSecret(texts: readonly string[], secret: string): string[] {
  const forms = [secret, encodeURIComponent(secret)];
  return texts.filter((text) => forms.some((form) => text.includes(form)));
}
