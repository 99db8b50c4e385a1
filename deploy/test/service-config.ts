// What each service reads from its environment, read from the sources (the services are apps, so
// a deploy check may not import them): every `NAME: env.…` field of its src/config.ts, plus the
// shared shapes it spreads in (`...ingestEnvShape`, `...natsEnvShape`, ...), found in libs.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./files.js";

/** The environment of one service. */
export interface ServiceEnv {
  /** Every variable the service reads. */
  readonly variables: ReadonlySet<string>;
  /** The variables parsed with `env.secret()`: they must come from a Secret, never a ConfigMap. */
  readonly secrets: ReadonlySet<string>;
  /** The secrets without a default that are not `.optional()`: the service cannot start without. */
  readonly requiredSecrets: ReadonlySet<string>;
}

/**
 * Deployable services: those installing a `castbus-<name>` binary and reading a config.ts
 * (not the devstack, the `castbus` CLI or the benchmark, which are tools).
 */
export function deployableServices(): string[] {
  return readdirSync(join(ROOT, "services"))
    .filter((name) => {
      const dir = join(ROOT, "services", name);
      if (!existsSync(join(dir, "src", "main.ts")) || !existsSync(join(dir, "src", "config.ts"))) {
        return false;
      }
      const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
        bin?: Record<string, string>;
      };
      return manifest.bin?.[`castbus-${name}`] !== undefined;
    })
    .sort();
}

/** `export const fooEnvShape = {` in libs/<lib>/src/config.ts, by shape name. */
function sharedShapes(): Map<string, string> {
  const shapes = new Map<string, string>();
  for (const lib of readdirSync(join(ROOT, "libs"))) {
    const file = join(ROOT, "libs", lib, "src", "config.ts");
    if (!existsSync(file)) continue;
    const source = readFileSync(file, "utf8");
    for (const match of source.matchAll(/export const (\w+EnvShape) = \{([\s\S]*?)\n\};/g)) {
      shapes.set(match[1]!, match[2]!);
    }
  }
  return shapes;
}

function collect(body: string, shapes: Map<string, string>, env: Env, seen: Set<string>): void {
  // A field runs from `NAME: env.` to the first line that ends with a comma.
  for (const match of body.matchAll(/^\s+([A-Z][A-Z0-9_]*):\s*(env\s*\.\s*(\w+)[\s\S]*?),\s*$/gm)) {
    const [, name, expression, builder] = match as unknown as [string, string, string, string];
    env.variables.add(name);
    if (builder !== "secret") continue;
    env.secrets.add(name);
    if (!/\.(optional|default)\(/.test(expression)) env.requiredSecrets.add(name);
  }
  for (const match of body.matchAll(/\.\.\.(\w+EnvShape)\b/g)) {
    const name = match[1]!;
    const shape = shapes.get(name);
    if (shape === undefined) throw new Error(`no libs/*/src/config.ts exports ${name}`);
    if (seen.has(name)) continue;
    seen.add(name);
    collect(shape, shapes, env, seen);
  }
}

interface Env {
  variables: Set<string>;
  secrets: Set<string>;
  requiredSecrets: Set<string>;
}

/** The environment `services/<name>/src/config.ts` declares. */
export function serviceEnv(name: string): ServiceEnv {
  const source = readFileSync(join(ROOT, "services", name, "src", "config.ts"), "utf8");
  const env: Env = { variables: new Set(), secrets: new Set(), requiredSecrets: new Set() };
  collect(source, sharedShapes(), env, new Set());
  if (env.variables.size === 0)
    throw new Error(`services/${name}/src/config.ts declares no variables`);
  return env;
}

/** Every variable any deployable service parses as a secret. */
export function allSecretVariables(): Set<string> {
  return new Set(deployableServices().flatMap((name) => [...serviceEnv(name).secrets]));
}
