// The renders the checks look at: both overlays, and each component on top of the base (so
// components no overlay uses, such as hpa-cpu, are checked too).
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { DEPLOY, arr, obj, str, type Doc } from "./files.js";
import { renderKustomization } from "./kustomize.js";

export const K8S = join(DEPLOY, "k8s");
export const OVERLAYS = ["dev", "prod"] as const;

/** Every component directory: deploy/k8s/components/** and deploy/monitoring. */
export function componentDirs(): string[] {
  const found: string[] = [join(DEPLOY, "monitoring")];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (!statSync(path).isDirectory()) continue;
      if (readdirSync(path).includes("kustomization.yaml")) found.push(path);
      else walk(path);
    }
  };
  walk(join(K8S, "components"));
  return found;
}

/** Renders an overlay. */
export function renderOverlay(name: (typeof OVERLAYS)[number]): Doc[] {
  return renderKustomization(join(K8S, "overlays", name));
}

/** Renders the base plus `components`, through a kustomization written to a temp dir. */
export function renderWith(components: readonly string[]): Doc[] {
  const dir = mkdtempSync(join(tmpdir(), "castbus-kustomize-"));
  try {
    const kustomization = {
      apiVersion: "kustomize.config.k8s.io/v1beta1",
      kind: "Kustomization",
      namespace: "castbus-check",
      resources: [join(K8S, "base")],
      components,
    };
    writeFileSync(join(dir, "kustomization.yaml"), stringify(kustomization));
    return renderKustomization(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The object of `kind` named `name` in a render. */
export function find(docs: readonly Doc[], kind: string, name: string): Doc | undefined {
  return docs.find((d) => d["kind"] === kind && str(obj(d, "metadata"), "name") === name);
}

/** Every object of `kind` in a render. */
export function ofKind(docs: readonly Doc[], kind: string): Doc[] {
  return docs.filter((d) => d["kind"] === kind);
}

/** The first container of a workload. */
export function mainContainer(doc: Doc): Doc {
  return arr(obj(obj(obj(doc, "spec"), "template"), "spec"), "containers")[0] as Doc;
}

/** metadata.name */
export function nameOf(doc: Doc): string {
  return str(obj(doc, "metadata"), "name") ?? "";
}
