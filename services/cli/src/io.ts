/** Where a command writes: `process.stdout`/`stderr`, or a capture in tests. */
export interface Output {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

/** Everything a command touches outside itself, injected so tests run commands in-process. */
export interface Io {
  readonly stdout: Output;
  readonly stderr: Output;
  /** Read for `[y/N]` confirmations, and by `emit <type> -`. */
  readonly stdin: NodeJS.ReadableStream & { readonly isTTY?: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Aborted on Ctrl-C / SIGTERM: `tail` stops, long operations stop between messages. */
  readonly signal: AbortSignal;
}
