// Stand-ins for the two slow steps of the image build (`npm ci` and `tsc -b`), for the check
// that runs on every CI run; CASTBUS_DEPLOY_BUILD_TEST=1 runs the real commands instead.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { runShell, type StepRunner } from "./docker-build.js";
import { ROOT } from "./files.js";

/** The project directories `tsc -b <configs>` builds: the configs and their references. */
function projectsBuilt(configs: readonly string[], seen = new Set<string>()): Set<string> {
  for (const config of configs) {
    const dir = dirname(config);
    if (seen.has(dir)) continue;
    seen.add(dir);
    const { references = [] } = JSON.parse(readFileSync(join(ROOT, config), "utf8")) as {
      references?: { path: string }[];
    };
    projectsBuilt(
      references.map((r) => join(relative(ROOT, resolve(ROOT, dir, r.path)), "tsconfig.json")),
      seen,
    );
  }
  return seen;
}

/** Every file below `dir`, relative to it. */
function filesBelow(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)));
}

/**
 * Stand-ins for the two slow steps; everything else runs as written. The build stand-in checks
 * what a compile in the container would need (every source of every project built, by tsc's
 * references, is in the context), then reuses the dist/ nx built before this test.
 */
export function reuseInstalledAndBuilt(tscCommand: string): StepRunner {
  return (command, cwd, env) => {
    if (/^npm ci\b/.test(command)) {
      runShell(`${command} --dry-run --offline`, cwd, env);
      // Hard links: instant, and safe because later steps only read this tree (assemble.sh prunes
      // a copy of its own).
      execFileSync("cp", ["-al", join(ROOT, "node_modules"), join(cwd, "node_modules")]);
    } else if (command === tscCommand) {
      const configs = command.split(/\s+/).filter((w) => w.endsWith("tsconfig.json"));
      for (const project of projectsBuilt(configs)) {
        for (const file of [
          "tsconfig.json",
          "package.json",
          ...filesBelow(join(ROOT, project, "src")).map((f) => join("src", f)),
        ]) {
          if (!existsSync(join(cwd, project, file)))
            throw new Error(`the build context lacks ${project}/${file}`);
        }
        execFileSync("cp", ["-a", join(ROOT, project, "dist"), join(cwd, project, "dist")]);
      }
    } else {
      runShell(command, cwd, env);
    }
  };
}
