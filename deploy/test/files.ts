// Paths and file loading shared by the deploy checks.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";

/** The repository root. */
export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
/** deploy/ */
export const DEPLOY = join(ROOT, "deploy");

/** A parsed YAML or JSON object. */
export type Doc = Record<string, unknown>;

/** `path` relative to the repository root, for messages. */
export function rel(path: string): string {
  return relative(ROOT, path);
}

/**
 * Every document of a YAML file, parsed strictly: duplicate keys, bad indentation and unknown
 * tags fail, and `<<` merge keys are resolved (docker-compose relies on them).
 */
export function readYamlDocuments(path: string): unknown[] {
  const docs = parseAllDocuments(readFileSync(path, "utf8"), { merge: true, uniqueKeys: true });
  return docs.map((doc) => {
    const problems = [...doc.errors, ...doc.warnings];
    if (problems.length > 0) {
      throw new Error(`${rel(path)}: ${problems.map((p) => p.message).join("; ")}`);
    }
    return doc.toJS({ maxAliasCount: 100 }) as unknown;
  });
}

/** The only document of a YAML file. */
export function readYaml(path: string): Doc {
  const docs = readYamlDocuments(path).filter((d) => d !== null);
  if (docs.length !== 1 || !isObject(docs[0])) {
    throw new Error(`${rel(path)}: expected one YAML mapping`);
  }
  return docs[0];
}

/** Files under `dir` whose names end with one of `suffixes`, skipping node_modules and reports. */
export function listFiles(dir: string, suffixes: readonly string[]): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (name === "node_modules" || name === ".reports" || name === "dist") continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...listFiles(path, suffixes));
    else if (suffixes.some((suffix) => name.endsWith(suffix))) found.push(path);
  }
  return found;
}

/** Parses a `KEY=value` env file (comments and blank lines skipped), as docker and kustomize do. */
export function readEnvFile(path: string): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const line of readFileSync(path, "utf8").split("\n")) {
    const text = line.trim();
    if (text === "" || text.startsWith("#")) continue;
    const eq = text.indexOf("=");
    if (eq <= 0) throw new Error(`${rel(path)}: not KEY=value: ${JSON.stringify(text)}`);
    entries[text.slice(0, eq)] = text.slice(eq + 1);
  }
  return entries;
}

/** Whether `value` is a plain object. */
export function isObject(value: unknown): value is Doc {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `value[key]` as an object (an empty one when absent). */
export function obj(value: unknown, key: string): Doc {
  const child = isObject(value) ? value[key] : undefined;
  return isObject(child) ? child : {};
}

/** `value[key]` as an array (an empty one when absent). */
export function arr(value: unknown, key: string): unknown[] {
  const child = isObject(value) ? value[key] : undefined;
  return Array.isArray(child) ? child : [];
}

/** `value[key]` as a string, or undefined. */
export function str(value: unknown, key: string): string | undefined {
  const child = isObject(value) ? value[key] : undefined;
  return typeof child === "string" ? child : undefined;
}
