// `castbus`: wires the real process into run() — stdio, environment, and Ctrl-C/SIGTERM, which
// stop `tail` and long operations cleanly. Whatever has not finished a few seconds after the
// signal is cut off; a second signal exits at once.
import { run } from "./run.js";

const stop = new AbortController();
let signals = 0;
const onSignal = () => {
  signals += 1;
  if (signals > 1) process.exit(130);
  stop.abort();
  setTimeout(() => process.exit(130), 5000).unref();
};
process.on("SIGINT", onSignal);
process.on("SIGTERM", onSignal);
// `castbus tail | head`: the reader went away, which ends the command like Ctrl-C does.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") throw error;
  onSignal();
});

process.exitCode = await run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  signal: stop.signal,
});
