#!/usr/bin/env node
// The entry behind `npm start`, `npm test` and `npm run bench`. Plain JavaScript with no
// dependencies, so it runs on whatever Node the machine has: it puts Node 24 on PATH when the
// system one is older than castbus needs (>= 22.12), installs dependencies when they are missing
// or stale, then builds and starts the local stack (`start`), runs every check CI runs (`test`),
// or runs the benchmark (`bench`).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const NODE_MAJOR = 24;
const MIN_VERSION = [22, 12];
const say = (message) => process.stderr.write(`castbus: ${message}\n`);

function versionOk(version) {
  const [major, minor] = version.replace(/^v/, "").split(".").map(Number);
  return major > MIN_VERSION[0] || (major === MIN_VERSION[0] && minor >= MIN_VERSION[1]);
}

/** A directory holding a `node` >= 22.12: the current one, or Node 24 from the npm registry. */
function ensureNode() {
  if (versionOk(process.version)) return dirname(process.execPath);
  const cache =
    process.env.CASTBUS_TOOLCHAIN_DIR ??
    join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "castbus");
  const prefix = join(cache, `node-${NODE_MAJOR}`);
  const bin = join(prefix, "node_modules", "node", "bin");
  const probe = spawnSync(join(bin, "node"), ["--version"], { encoding: "utf8" });
  if (probe.status === 0 && versionOk(probe.stdout.trim())) return bin;
  say(
    `Node ${process.version} is older than 22.12; installing Node ${NODE_MAJOR} from the npm registry into ${prefix}`,
  );
  mkdirSync(prefix, { recursive: true });
  run("npm", [
    "install",
    "--prefix",
    prefix,
    "--no-save",
    "--no-package-lock",
    "--no-audit",
    "--no-fund",
    `node@${NODE_MAJOR}`,
  ]);
  const check = spawnSync(join(bin, "node"), ["--version"], { encoding: "utf8" });
  if (check.status !== 0)
    fail(`could not install Node ${NODE_MAJOR}; install Node >= 22.12 yourself and retry`);
  return bin;
}

/** `npm ci` when node_modules is missing or older than the lockfile. */
function ensureDependencies() {
  const marker = join(ROOT, "node_modules", ".package-lock.json");
  const lock = join(ROOT, "package-lock.json");
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  say("installing dependencies (npm ci)");
  run("npm", ["ci", "--no-audit", "--no-fund"]);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, {
    cwd: ROOT,
    stdio: "inherit",
    env: process.env,
    ...options,
  });
  if (result.error) fail(`${command}: ${result.error.message}`);
  return result.status ?? 1;
}

function fail(message) {
  say(message);
  process.exit(1);
}

function nx(args) {
  return run(join(ROOT, "node_modules", ".bin", "nx"), args);
}

/** Every Nx project's folder (libs/*, services/*, deploy). */
function projectDirs() {
  const nested = ["libs", "services"].flatMap((group) =>
    readdirSync(join(ROOT, group)).map((name) => join(ROOT, group, name)),
  );
  return [...nested, join(ROOT, "deploy")].filter((dir) => existsSync(join(dir, "project.json")));
}

/** Sums the vitest JSON reports every project's test target wrote. */
function testCounts() {
  let passed = 0;
  let failed = 0;
  for (const dir of projectDirs()) {
    const report = join(dir, ".reports", "vitest.json");
    if (!existsSync(report)) continue;
    const json = JSON.parse(readFileSync(report, "utf8"));
    passed += json.numPassedTests ?? 0;
    // A suite that failed to load counts as one failure even with no failed test in it.
    const broken =
      json.numTotalTestSuites > 0 && json.success === false && json.numFailedTests === 0;
    failed += (json.numFailedTests ?? 0) + (broken ? 1 : 0);
  }
  return { passed, failed };
}

function clearReports() {
  for (const dir of projectDirs()) rmSync(join(dir, ".reports"), { recursive: true, force: true });
}

/**
 * The run-wide secrets scan: every log line the tests captured (archived under
 * CASTBUS_LOG_ARCHIVE by libs/testing) against every secret the tests configured.
 */
function scanSecrets(dir) {
  const secrets = new Set();
  const files = existsSync(dir) ? readdirSync(dir) : [];
  for (const name of files.filter((f) => f.startsWith("secrets-"))) {
    for (const line of readFileSync(join(dir, name), "utf8").split("\n")) {
      if (line === "") continue;
      const value = JSON.parse(line);
      secrets.add(value);
      secrets.add(encodeURIComponent(value));
    }
  }
  let lines = 0;
  const leaks = [];
  for (const name of files.filter((f) => f.startsWith("lines-"))) {
    for (const line of readFileSync(join(dir, name), "utf8").split("\n")) {
      lines += 1;
      for (const secret of secrets)
        if (line.includes(secret)) leaks.push(`${name}: ${line.slice(0, 200)}`);
    }
  }
  say(
    `secrets scan: ${lines} log lines from the whole run, ${secrets.size} secret forms, ${leaks.length} leaks`,
  );
  for (const leak of leaks.slice(0, 20)) say(`  leak: ${leak}`);
  return leaks.length === 0;
}

function test() {
  clearReports();
  const archive = join(tmpdir(), `castbus-log-archive-${process.pid}`);
  rmSync(archive, { recursive: true, force: true });
  process.env.CASTBUS_LOG_ARCHIVE = archive;
  const steps = [
    [
      "format",
      () =>
        run(join(ROOT, "node_modules", ".bin", "prettier"), ["--check", "--log-level=warn", "."]),
    ],
    [
      "build, lint, typecheck, test",
      () => nx(["run-many", "-t", "build", "lint", "typecheck", "test", "--outputStyle=stream"]),
    ],
    ["secrets scan", () => (scanSecrets(archive) ? 0 : 1)],
  ];
  const failedSteps = steps.filter(([name, step]) => {
    say(`== ${name}`);
    return step() !== 0;
  });
  rmSync(archive, { recursive: true, force: true });
  const counts = testCounts();
  // The scan is one check of its own; other failed steps count once each unless tests failed.
  const scanFailed = failedSteps.some(([name]) => name === "secrets scan");
  const passed = counts.passed + (scanFailed ? 0 : 1);
  const otherSteps = failedSteps.filter(([name]) => name !== "secrets scan").length;
  const failed = counts.failed + (scanFailed ? 1 : 0) + (counts.failed === 0 ? otherSteps : 0);
  if (failedSteps.length > 0) say(`failed: ${failedSteps.map(([name]) => name).join(", ")}`);
  process.stdout.write(`${passed} passed, ${failed} failed\n`);
  return failed === 0 ? 0 : 1;
}

/**
 * Builds, then runs a service's `dist/main.js` with the rest of the arguments (the devstack, the
 * bench); Ctrl-C reaches it (same process group) and it stops everything.
 */
function runService(service) {
  if (nx(["run-many", "-t", "build", "--outputStyle=static"]) !== 0) fail("build failed");
  const main = join(ROOT, "services", service, "dist", "main.js");
  const child = spawn("node", [main, ...process.argv.slice(3)], {
    cwd: ROOT,
    stdio: "inherit",
    env: process.env,
  });
  // Ctrl-C already reaches the devstack through the terminal's process group; pass on SIGTERM.
  process.on("SIGINT", () => undefined);
  process.on("SIGTERM", () => child.kill("SIGTERM"));
  child.on("exit", (code, signal) => process.exit(code ?? (signal === "SIGINT" ? 0 : 1)));
}

const command = process.argv[2];
if (!["start", "test", "bench"].includes(command)) fail("usage: bootstrap.mjs start|test|bench");
process.env.PATH = `${ensureNode()}:${process.env.PATH ?? ""}`;
process.env.NX_DAEMON ??= "false";
process.env.NX_NO_CLOUD = "true";
process.env.NX_TUI = "false";
ensureDependencies();
if (command === "start") runService("devstack");
else if (command === "bench") runService("bench");
else process.exit(test());
