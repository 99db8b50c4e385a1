import { spawnService, type ServiceProcess } from "@castbus/testing";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const service = (name: string) => join(ROOT, "services", name, "dist/main.js");

/**
 * The V8 flags the container image runs every service with (`NODE_OPTIONS` in the Dockerfile,
 * source maps aside): the bench measures the services as they ship. `BENCH_NODE_OPTIONS`
 * replaces them, to compare flags.
 */
export const SERVICE_NODE_OPTIONS = process.env["BENCH_NODE_OPTIONS"] ?? "--max-semi-space-size=2";

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
  router.on("*.chat.message", (event) => {
    const sent = Number(event.data.text);
    const now = performance.timeOrigin + performance.now();
    lines.push(sent + " " + (now - sent / 1000));
  }, { name: "latency" });
}
`,
  );
  return path;
}

/** Starts the built service `name` with `env` (plus NATS, quiet logs and the image's V8 flags). */
export function startService(
  name: string,
  natsUrl: string,
  env: Record<string, string>,
): ServiceProcess {
  return spawnService(service(name), {
    name,
    env: {
      NATS_URL: natsUrl,
      HTTP_PORT: "0",
      LOG_LEVEL: "warn",
      NODE_OPTIONS: SERVICE_NODE_OPTIONS,
      ...env,
    },
  });
}

/** Starts a built ingester-chaturbate with `env`. */
export function startIngester(natsUrl: string, env: Record<string, string>): ServiceProcess {
  return startService("ingester-chaturbate", natsUrl, env);
}

/** Starts a built worker with `env`. */
export function startWorker(natsUrl: string, env: Record<string, string>): ServiceProcess {
  return startService("worker", natsUrl, env);
}
