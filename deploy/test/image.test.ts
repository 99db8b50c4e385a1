// The Dockerfile, checked without a Docker engine. Its build steps run in a temp dir with the same
// commands (docker-build.ts), and the runtime tree they produce starts the services.
//
// Always (about 20 s): `npm ci` becomes `npm ci --dry-run --offline` (the lockfile matches the
// context's manifests) plus a copy of the installed node_modules, and `tsc -b` a check that the
// context holds every source of every project it builds plus a copy of the dist/ nx built before
// this test; every other step, the prune and the runtime assembly included, runs as written.
// With CASTBUS_DEPLOY_BUILD_TEST=1 every step runs for real: a full `npm ci` and compile, 40 s
// with a warm npm cache here, more when cold or when other suites share the two cores.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  connectTestNats,
  countStream,
  freePort,
  spawnService,
  startNatsServer,
  waitFor,
} from "@castbus/testing";
import type { NatsServerHandle } from "@castbus/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DockerIgnore, parseDockerfile } from "./dockerfile.js";
import { reuseInstalledAndBuilt } from "./build-stand-in.js";
import { startComposeDemo } from "./compose-demo.js";
import { loadCompose } from "./compose.js";
import { simulateBuild, type BuiltImage } from "./docker-build.js";
import { ROOT } from "./files.js";
import { deployableServices } from "./service-config.js";

const DOCKERFILE = join(ROOT, "Dockerfile");
const FULL = process.env["CASTBUS_DEPLOY_BUILD_TEST"] === "1";
const stages = parseDockerfile(DOCKERFILE);
const [build, runtime] = [stages[0]!, stages.at(-1)!];
const runCommands = build.instructions.filter((i) => i.keyword === "RUN").map((i) => i.args);
const tscCommand = runCommands.find((c) => c.includes("tsc -b")) ?? "";

describe("the Dockerfile", () => {
  it("builds in one stage and runs from a clean Node 24 stage as a numeric non-root user", () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of [build, runtime]) expect(stage.base).toMatch(/^node:24-(alpine|slim)/);
    expect(runtime.instructions.filter((i) => i.keyword === "RUN")).toEqual([]);
    const user = runtime.instructions.find((i) => i.keyword === "USER")?.args ?? "";
    expect(user).toMatch(/^[1-9]\d*(:\d+)?$/);
  });

  it("installs from the lockfile, builds, and keeps production dependencies only", () => {
    expect(runCommands[0]).toMatch(/^npm ci\b/);
    expect(runCommands.some((c) => c.includes("deploy/image/assemble.sh"))).toBe(true);
    const assemble = readFileSync(join(ROOT, "deploy/image/assemble.sh"), "utf8");
    expect(assemble).toMatch(/npm prune --omit=dev/);
  });

  it("builds and ships every deployable service", () => {
    const assemble = readFileSync(join(ROOT, "deploy/image/assemble.sh"), "utf8");
    const shipped = /SERVICES="([^"]*)"/.exec(assemble)?.[1]?.split(" ") ?? [];
    for (const service of deployableServices()) {
      expect(tscCommand).toContain(`services/${service}/tsconfig.json`);
      expect(shipped).toContain(service);
    }
    expect(tscCommand).toContain("libs/simulators/tsconfig.json");
  });

  it("starts node itself (PID 1 gets SIGTERM) and checks /healthz with node", () => {
    const exec = (keyword: string) => runtime.instructions.find((i) => i.keyword === keyword)?.exec;
    expect(exec("ENTRYPOINT")).toEqual(["node", "/app/entry.mjs"]);
    expect(exec("HEALTHCHECK")).toEqual(["node", "/app/entry.mjs", "healthcheck"]);
  });

  it("sends a context without installed, built or secret files", () => {
    const ignore = new DockerIgnore(join(ROOT, ".dockerignore"));
    for (const path of [
      "node_modules",
      "libs/nats/node_modules",
      "services/worker/dist",
      ".env",
      "deploy/compose/x.local.env",
      ".git",
      "deploy/k8s",
    ]) {
      expect(ignore.ignores(path), path).toBe(true);
    }
    for (const path of [
      "package-lock.json",
      "deploy/package.json",
      "deploy/image/assemble.sh",
      "libs/nats/src/connect.ts",
      "tsconfig.base.json",
    ]) {
      expect(ignore.ignores(path), path).toBe(false);
    }
  });
});

describe(`the image build steps (${FULL ? "every step for real" : "install and build reused"})`, () => {
  const dir = mkdtempSync(join(tmpdir(), "castbus-image-"));
  let image: BuiltImage;
  let nats: NatsServerHandle;
  const app = () => join(image.root, image.workdir);

  beforeAll(
    async () => {
      nats = await startNatsServer();
      image = simulateBuild({
        dockerfile: DOCKERFILE,
        context: ROOT,
        dir,
        ...(FULL ? {} : { run: reuseInstalledAndBuilt(tscCommand) }),
      });
    },
    FULL ? 600_000 : 180_000,
  );
  afterAll(async () => {
    await nats?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it("produces a runtime tree with built services and no dev dependencies or sources", () => {
    for (const service of deployableServices())
      expect(existsSync(join(app(), "services", service, "dist", "main.js")), service).toBe(true);
    for (const dev of [
      "typescript",
      "vitest",
      "testcontainers",
      "nx",
      "eslint",
      "@castbus/testing",
      "@castbus/deploy",
    ]) {
      expect(existsSync(join(app(), "node_modules", dev)), dev).toBe(false);
    }
    for (const dir of ["libs/nats/src", "services/worker/src", "deploy", "docs"])
      expect(existsSync(join(app(), dir)), dir).toBe(false);
    const bytes = Number(execFileSync("du", ["-sk", app()]).toString().split("\t")[0]) * 1024;
    expect(bytes).toBeLessThan(60 * 1024 * 1024);
  });

  it("starts the worker, which answers /healthz and /readyz, passes the HEALTHCHECK and drains on SIGTERM", async () => {
    const port = await freePort();
    const env = {
      ...image.env,
      CASTBUS_SERVICE: "worker",
      NATS_URL: nats.url,
      HTTP_PORT: String(port),
      WORKER_GROUP: "image-check",
    };
    const worker = spawnService(join(app(), "entry.mjs"), { env, name: "image worker" });
    try {
      await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/healthz`)).ok, {
        timeoutMs: 20_000,
        message: "worker /healthz",
      });
      await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).ok, {
        timeoutMs: 20_000,
        message: "worker /readyz",
      });
      const [command, ...args] = image.healthcheck.map((a) =>
        a.startsWith(image.workdir) ? join(image.root, a) : a,
      );
      expect(() =>
        execFileSync(command === "node" ? process.execPath : command!, args, {
          env: { ...image.env, HTTP_PORT: String(port) },
        }),
      ).not.toThrow();
    } finally {
      expect(await worker.stop("SIGTERM")).toEqual({ code: 0, signal: null });
    }
  }, 60_000);

  it("runs docker-compose's castbus services from it: all ready, every source ingested, events handled", async () => {
    const demo = await startComposeDemo(loadCompose(), app(), image.env, nats.url);
    const nc = await connectTestNats(nats.url);
    try {
      for (const [name, port] of Object.entries(demo.httpPorts)) {
        await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).ok, {
          timeoutMs: 30_000,
          message: `${name} /readyz`,
        });
      }
      const token = demo.gatewayEnv["GATEWAY_TOKENS"]?.split(",")[0]?.split(":")[1];
      const response = await fetch(`http://127.0.0.1:${demo.gatewayPort}/v1/events`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ type: "custom.image_check", data: { ok: true } }),
      });
      expect(response.status).toBe(202);
      for (const source of ["chaturbate", "twitch", "obs", "tokenbowl", "custom"]) {
        await waitFor(async () => (await countStream(nc, "EVENTS", `events.${source}.>`)) > 0, {
          timeoutMs: 30_000,
          message: `events.${source}.>`,
        });
      }
      const workerMetrics = `http://127.0.0.1:${demo.httpPorts["worker"]}/metrics`;
      await waitFor(
        async () =>
          /castbus_events_processed_total\{[^}]*outcome="ok"[^}]*\} [1-9]/.test(
            await (await fetch(workerMetrics)).text(),
          ),
        { timeoutMs: 30_000, message: "events handled by the worker" },
      );
    } finally {
      await nc.close();
      const codes = await demo.stop();
      expect(
        Object.values(codes).filter((code) => code !== 0),
        JSON.stringify(codes),
      ).toEqual([]);
    }
  }, 120_000);
});
