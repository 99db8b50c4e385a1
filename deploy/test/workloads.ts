// Reading a rendered overlay the way the checks need it: which Deployments are castbus services,
// the settings they get, their replica floor and their resource requests.
import { arr, obj, str, type Doc } from "./files.js";
import { find, mainContainer, nameOf, ofKind } from "./renders.js";

/** Deployments of castbus services (ingesters, worker, gateway), not the dev simulators. */
export function serviceDeployments(docs: readonly Doc[]): Doc[] {
  return ofKind(docs, "Deployment").filter((d) =>
    ["ingester", "worker", "gateway"].includes(
      str(obj(obj(d, "metadata"), "labels"), "app.kubernetes.io/component") ?? "",
    ),
  );
}

/** The shared settings: the data of the castbus-config ConfigMap (hash suffix and all). */
export function sharedConfig(docs: readonly Doc[]): Record<string, string> {
  const map = ofKind(docs, "ConfigMap").find((d) => nameOf(d).startsWith("castbus-config"));
  if (map === undefined) throw new Error("no castbus-config ConfigMap");
  return obj(map, "data") as Record<string, string>;
}

/** Replicas a Deployment never goes below: its autoscaler's minimum, else spec.replicas (1). */
export function replicaFloor(docs: readonly Doc[], deployment: Doc): number {
  const name = nameOf(deployment);
  const scaled = ofKind(docs, "ScaledObject").find(
    (s) => str(obj(obj(s, "spec"), "scaleTargetRef"), "name") === name,
  );
  if (scaled !== undefined) return Number(obj(scaled, "spec")["minReplicaCount"] ?? 1);
  const hpa = ofKind(docs, "HorizontalPodAutoscaler").find(
    (h) => str(obj(obj(h, "spec"), "scaleTargetRef"), "name") === name,
  );
  if (hpa !== undefined) return Number(obj(hpa, "spec")["minReplicas"] ?? 1);
  return Number(obj(deployment, "spec")["replicas"] ?? 1);
}

/** Whether an autoscaler (ScaledObject or HPA) targets the Deployment. */
export function autoscaled(docs: readonly Doc[], name: string): boolean {
  return [...ofKind(docs, "ScaledObject"), ...ofKind(docs, "HorizontalPodAutoscaler")].some(
    (s) => str(obj(obj(s, "spec"), "scaleTargetRef"), "name") === name,
  );
}

/** A quantity ("250m", "128Mi", "1") in base units. */
export function quantity(value: unknown): number {
  const text = String(value);
  const match = /^([0-9.]+)(m|Ki|Mi|Gi|k|M|G)?$/.exec(text);
  if (match === null) throw new Error(`not a quantity: ${text}`);
  const factor: Record<string, number> = {
    m: 0.001,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    Ki: 1024,
    Mi: 1024 ** 2,
    Gi: 1024 ** 3,
  };
  return Number(match[1]) * (match[2] === undefined ? 1 : factor[match[2]]!);
}

/** The main container's resource requests, in base units. */
export function requests(deployment: Doc): { cpu: number; memory: number } {
  const values = obj(obj(mainContainer(deployment), "resources"), "requests");
  return { cpu: quantity(values["cpu"]), memory: quantity(values["memory"]) };
}

/** The Deployment `name` of a render, or a failure naming it. */
export function deployment(docs: readonly Doc[], name: string): Doc {
  const found = find(docs, "Deployment", name);
  if (found === undefined) throw new Error(`no Deployment ${name}`);
  return found;
}

/** Pod labels of a workload. */
export function podLabels(doc: Doc): Doc {
  return obj(obj(obj(obj(doc, "spec"), "template"), "metadata"), "labels");
}

/** Whether `selector.matchLabels` selects a pod with `labels`. */
export function selects(selector: Doc, labels: Doc): boolean {
  const match = obj(selector, "matchLabels");
  return Object.keys(match).length > 0 && Object.entries(match).every(([k, v]) => labels[k] === v);
}

/** Names of the main container's ports. */
export function portNames(deployment: Doc): string[] {
  return arr(mainContainer(deployment), "ports").map((p) => str(p, "name") ?? "");
}
