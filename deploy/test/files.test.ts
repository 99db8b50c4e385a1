// Every deploy file parses: YAML strictly (no duplicate keys, no bad indentation), JSON, and the
// env files docker-compose and kustomize read.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEPLOY, ROOT, listFiles, readEnvFile, readYamlDocuments, rel } from "./files.js";

const yamlFiles = [join(ROOT, "docker-compose.yml"), ...listFiles(DEPLOY, [".yaml", ".yml"])];
const jsonFiles = listFiles(DEPLOY, [".json"]).filter(
  (path) => !path.startsWith(join(DEPLOY, "test")),
);
const envFiles = listFiles(DEPLOY, [".env"]);

describe("deploy files", () => {
  it.each(yamlFiles.map((path) => ({ file: rel(path), path })))(
    "$file parses as YAML",
    ({ path }) => {
      const docs = readYamlDocuments(path).filter((doc) => doc !== null);
      expect(docs.length).toBeGreaterThan(0);
    },
  );

  it.each(jsonFiles.map((path) => ({ file: rel(path), path })))(
    "$file parses as JSON",
    ({ path }) => {
      expect(() => JSON.parse(readFileSync(path, "utf8")) as unknown).not.toThrow();
    },
  );

  it.each(envFiles.map((path) => ({ file: rel(path), path })))(
    "$file is KEY=value lines",
    ({ path }) => {
      const entries = readEnvFile(path);
      expect(Object.keys(entries).length).toBeGreaterThan(0);
      for (const key of Object.keys(entries)) expect(key).toMatch(/^[A-Z][A-Z0-9_]*$/);
    },
  );

  it("finds the files it checks", () => {
    expect(yamlFiles.length).toBeGreaterThan(25);
    expect(jsonFiles.map(rel)).toContain("deploy/monitoring/dashboard.json");
    expect(envFiles.length).toBeGreaterThan(5);
  });
});
