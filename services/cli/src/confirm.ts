import { createInterface } from "node:readline";
import { NotConfirmedError } from "./errors.js";
import type { Io } from "./io.js";

/**
 * Asks before a destructive step. `--yes` answers for the user; otherwise a terminal gets a
 * `[y/N]` question on stderr (anything but y/yes is no), and a non-terminal — a script, a pipe —
 * is refused with {@link NotConfirmedError}, so nothing is ever deleted by accident in a pipeline.
 * Resolves false when the user said no.
 */
export async function confirm(io: Io, question: string, yes: boolean): Promise<boolean> {
  if (yes) return true;
  if (io.stdin.isTTY !== true) {
    throw new NotConfirmedError(`${question} — refusing without confirmation; pass --yes`);
  }
  io.stderr.write(`${question} [y/N] `);
  const answer = await readLine(io);
  return /^y(es)?$/i.test(answer.trim());
}

async function readLine(io: Io): Promise<string> {
  const rl = createInterface({ input: io.stdin, terminal: false });
  try {
    return await new Promise<string>((resolve) => {
      rl.once("line", resolve);
      rl.once("close", () => resolve(""));
      io.signal.addEventListener("abort", () => resolve(""), { once: true });
    });
  } finally {
    rl.close();
  }
}
