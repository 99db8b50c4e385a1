// Every Kubernetes object castbus ships validates offline: the Kubernetes schemas and the CRD
// schemas (KEDA, prometheus-operator) from the kubernetes-models packages, plus the strict field
// check `kubectl apply` does, and no manifest under deploy/ is left out of every kustomization.
import { dirname, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { DEPLOY, arr, listFiles, rel, str, type Doc } from "./files.js";
import { schemaProblem, unknownFieldProblems } from "./k8s-schemas.js";
import { idOf, readKustomization } from "./kustomize.js";
import { K8S, OVERLAYS, componentDirs, renderOverlay, renderWith } from "./renders.js";

const renders: { name: string; docs: Doc[] }[] = [
  ...OVERLAYS.map((overlay) => ({ name: `overlays/${overlay}`, docs: renderOverlay(overlay) })),
  ...componentDirs().map((dir) => ({
    name: `base + ${rel(dir)}`,
    docs: renderWith([dir]),
  })),
];

describe("Kubernetes objects", () => {
  it.each(renders)("$name validates against the Kubernetes and CRD schemas", async ({ docs }) => {
    expect(docs.length).toBeGreaterThan(0);
    const problems: string[] = [];
    for (const doc of docs) {
      const problem = await schemaProblem(doc);
      if (problem !== undefined) problems.push(`${idOf(doc)}: ${problem}`);
    }
    expect(problems).toEqual([]);
  });

  it("has no field the API server would reject as unknown, in any render", () => {
    const all = renders.flatMap(({ name, docs }) =>
      docs.map((doc) => ({ name: `${name} ${idOf(doc)}`, doc })),
    );
    expect(unknownFieldProblems(all)).toEqual([]);
  }, 60_000);

  it("catches a misspelt field the JSON schemas let through", () => {
    const typo = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "x" },
      spec: {
        selector: {},
        template: { spec: { containers: [], terminationGracePeriodSecond: 30 } },
      },
    };
    expect(unknownFieldProblems([{ name: "typo", doc: typo }]).join("\n")).toContain(
      "terminationGracePeriodSecond",
    );
  }, 60_000);

  it("uses every manifest under deploy/k8s and deploy/monitoring in some kustomization", () => {
    const used = new Set<string>();
    const visit = (dir: string): void => {
      const k = readKustomization(dir);
      used.add(join(dir, "kustomization.yaml"));
      for (const key of ["resources", "components"]) {
        for (const entry of arr(k, key)) {
          const path = resolve(dir, String(entry));
          if (path.endsWith(".yaml")) used.add(path);
          else visit(path);
        }
      }
      for (const patch of arr(k, "patches")) used.add(resolve(dir, str(patch, "path") ?? ""));
    };
    for (const overlay of OVERLAYS) visit(join(K8S, "overlays", overlay));
    for (const dir of componentDirs()) visit(dir);
    const manifests = [
      ...listFiles(K8S, [".yaml"]),
      ...listFiles(join(DEPLOY, "monitoring"), [".yaml"]),
    ]
      .filter((path) => !path.endsWith("prometheus-adapter-values.yaml"))
      .filter(
        (path) => !(dirname(path) === join(DEPLOY, "monitoring") && path.endsWith("alerts.yaml")),
      );
    expect(manifests.filter((path) => !used.has(path)).map(rel)).toEqual([]);
  });
});
