import { spawnService, type ServiceProcess } from "@castbus/testing";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const INGESTER = join(ROOT, "services/ingester-chaturbate/dist/main.js");
const WORKER = join(ROOT, "services/worker/dist/main.js");

/** A scratch directory for one bench run. */
export const scratch = mkdtempSync(join(tmpdir(), "castbus-bench-"));

/**
 * The handler module the end-to-end runs load into the worker: each chat message's text is the
 * time the bench emitted it (epoch µs); the handler appends `sent latency` pairs to a file.
 */
export function latencyHandlerModule(): string {
  const path = join(scratch, "latency-handler.mjs");
  writeFileSync(
    path,
    `import { appendFileSync } from "node:fs";
export default function register(router, worker) {
  const out = worker.env.BENCH_LATENCY_FILE;
  let lines = [];
  setInterval(() => { if (lines.length > 0) { appendFileSync(out, lines.join("\\n") + "\\n"); lines = []; } }, 100).unref();
  router.on("chaturbate.chat.message", (event) => {
    const sent = Number(event.data.text);
    const now = performance.timeOrigin + performance.now();
    lines.push(sent + " " + (now - sent / 1000));
  }, { name: "latency" });
}
`,
  );
  return path;
}

/** Starts a built ingester-chaturbate with `env` (plus NATS and quiet logs). */
export function startIngester(natsUrl: string, env: Record<string, string>): ServiceProcess {
  return spawnService(INGESTER, {
    name: "ingester",
    env: { NATS_URL: natsUrl, HTTP_PORT: "0", LOG_LEVEL: "warn", ...env },
  });
}

/** Starts a built worker with `env`. */
export function startWorker(natsUrl: string, env: Record<string, string>): ServiceProcess {
  return spawnService(WORKER, {
    name: "worker",
    env: { NATS_URL: natsUrl, HTTP_PORT: "0", LOG_LEVEL: "warn", ...env },
  });
}
