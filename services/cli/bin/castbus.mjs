#!/usr/bin/env node
// `npx castbus`: runs the built CLI, building it first when a fresh `npm ci` left no dist/.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const main = join(root, "dist", "main.js");
if (!existsSync(main)) {
  process.stderr.write("castbus: building the CLI (first run)…\n");
  const tsc = join(root, "..", "..", "node_modules", ".bin", "tsc");
  const built = spawnSync(tsc, ["-b", join(root, "tsconfig.json")], { stdio: "inherit" });
  if (built.status !== 0) process.exit(built.status ?? 1);
}
await import(pathToFileURL(main).href);
