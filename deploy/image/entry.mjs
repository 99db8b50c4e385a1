#!/usr/bin/env node
// The container's entry point: ENTRYPOINT ["node", "/app/entry.mjs"], one image for every service.
//
//   entry.mjs <service> [args]     runs services/<service>/dist/main.js (gateway, worker, ingester-*)
//   entry.mjs sim <name> [flags]   runs a simulator (libs/simulators/dist/main.js <name> ...)
//   entry.mjs healthcheck [target] exits 0 when GET <target> answers 2xx (default: /healthz on
//                                  HTTP_PORT); a tcp://host:port target only checks that it connects
//
// The service is imported into this process rather than spawned, so node stays PID 1 and receives
// SIGTERM itself: no shell, no tini. PID 1 gets no default signal handlers, so until the service
// installs its own (it does after connecting), a fallback exits; once it has, a second signal exits.
import { existsSync, readdirSync } from "node:fs";
import { connect } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = dirname(fileURLToPath(import.meta.url));
const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143 };

function services() {
  const dir = join(ROOT, "services");
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => existsSync(join(dir, name, "dist", "main.js")))
    .sort();
}

function usage() {
  return [
    "usage: entry.mjs <service> | sim <simulator> [flags] | healthcheck [url]",
    `services: ${services().join(", ")}`,
    "the service may also come from CASTBUS_SERVICE",
  ].join("\n");
}

/** The script to run for `name`, or undefined for an unknown name. */
function entryFor(name) {
  if (name === "sim") return join(ROOT, "libs", "simulators", "dist", "main.js");
  // Only plain names: the argument must never reach outside services/.
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) return undefined;
  const main = join(ROOT, "services", name, "dist", "main.js");
  return existsSync(main) ? main : undefined;
}

function onSignal(signal) {
  // Listeners run in registration order: when the service's handler is also registered, it owns
  // shutdown (draining within SHUTDOWN_GRACE_MS); otherwise nothing else would ever exit.
  if (process.listenerCount(signal) > 1) return;
  process.exit(SIGNAL_EXIT_CODES[signal]);
}

async function healthcheck(target) {
  const url = new URL(target ?? `http://127.0.0.1:${process.env["HTTP_PORT"] || "8080"}/healthz`);
  if (url.protocol === "tcp:") return tcpCheck(url.hostname, Number(url.port));
  const response = await fetch(url, { signal: AbortSignal.timeout(4000) });
  return response.ok;
}

function tcpCheck(host, port) {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 4000 });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once("connect", () => done(true));
    socket.once("timeout", () => done(false));
    socket.once("error", () => done(false));
  });
}

const [command, ...rest] = process.argv.slice(2);
const name = command ?? process.env["CASTBUS_SERVICE"];
if (name === "healthcheck") {
  const ok = await healthcheck(rest[0]).catch(() => false);
  process.exit(ok ? 0 : 1);
}
const main = name === undefined ? undefined : entryFor(name);
if (main === undefined) {
  process.stderr.write(
    `${name === undefined ? "" : `unknown service ${JSON.stringify(name)}\n`}${usage()}\n`,
  );
  process.exit(2);
}
for (const signal of Object.keys(SIGNAL_EXIT_CODES)) process.on(signal, onSignal);
// The service reads its own arguments from process.argv (the simulators' flags do).
process.argv = [process.argv[0], main, ...rest];
await import(pathToFileURL(main).href);
