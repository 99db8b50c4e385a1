import { spawnService, type ServiceProcess } from "@castbus/testing";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../../..", import.meta.url));

/** Path of a built service's entry point. */
export function serviceMain(name: string): string {
  return join(ROOT, "services", name, "dist/main.js");
}

/** Starts a built service with quiet logs and a free telemetry port. */
export function startService(name: string, env: Record<string, string>): ServiceProcess {
  return spawnService(serviceMain(name), {
    name,
    env: { HTTP_PORT: "0", LOG_LEVEL: "info", ...env },
  });
}

/** A scratch directory for one suite. */
export function scratchDir(): string {
  return mkdtempSync(join(tmpdir(), "castbus-faults-"));
}

/**
 * A worker handler module that appends `<event id>` to a file for every event it finishes,
 * after `HANDLER_DELAY_MS` (so tests can kill or outlast a replica mid-handler).
 */
export function recorderModule(dir: string): string {
  const path = join(dir, "recorder.mjs");
  writeFileSync(
    path,
    `import { appendFileSync } from "node:fs";
export default function register(router, worker) {
  const file = worker.env.HANDLED_LOG;
  const delay = Number(worker.env.HANDLER_DELAY_MS ?? 0);
  router.on(worker.env.HANDLED_PATTERN ?? ">", async (event, ctx) => {
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    appendFileSync(file, event.id + " " + ctx.attempt + "\\n");
  }, { name: "recorder" });
}
`,
  );
  return path;
}

/** Ids (and attempts) a recorder module wrote. */
export function handled(file: string): { id: string; attempt: number }[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return [];
  }
  return text
    .split("\n")
    .filter((line) => line.length > 0)
    .map((line) => {
      const [id, attempt] = line.split(" ");
      return { id: id!, attempt: Number(attempt) };
    });
}

/** Fetches a telemetry path of a spawned service, whose port it logged at start. */
export async function telemetry(
  proc: ServiceProcess,
  path: string,
): Promise<{ status: number; text: string }> {
  const started = proc
    .logs()
    .find((l) => typeof l["port"] === "number" && /started/.test(String(l["msg"])));
  if (started === undefined) throw new Error("service has not logged its port yet");
  const res = await fetch(`http://127.0.0.1:${String(started["port"])}${path}`);
  return { status: res.status, text: await res.text() };
}

/** The value of a counter line in Prometheus text (0 when absent). */
export function metric(text: string, name: string, labels = ""): number {
  const line = text
    .split("\n")
    .find(
      (l) =>
        l.startsWith(`${name}${labels === "" ? "" : `{${labels}}`} `) ||
        (labels === "" && l.startsWith(`${name} `)),
    );
  return line === undefined ? 0 : Number(line.split(" ").at(-1));
}
