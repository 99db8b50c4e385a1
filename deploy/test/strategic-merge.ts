// Strategic merge patches as kustomize applies them, reduced to what the castbus overlays use.
import { isObject, type Doc } from "./files.js";

/**
 * Lists Kubernetes merges by a key instead of replacing (the `patchMergeKey`s of the pod
 * template types); every other list is replaced, as the API server does for lists without one.
 */
const MERGE_KEYS: Readonly<Record<string, string>> = {
  containers: "name",
  initContainers: "name",
  env: "name",
  volumes: "name",
  volumeMounts: "mountPath",
  ports: "containerPort",
  imagePullSecrets: "name",
  topologySpreadConstraints: "topologyKey",
};

/** Applies a strategic merge patch (maps merge, keyed lists merge by key, `null` deletes). */
export function strategicMerge(target: Doc, patch: Doc): Doc {
  const result: Doc = structuredClone(target);
  for (const [key, value] of Object.entries(patch)) {
    if (key === "$patch") throw new Error("$patch directives are not supported here");
    const current = result[key];
    if (value === null) {
      Reflect.deleteProperty(result, key);
    } else if (isObject(value) && isObject(current)) {
      result[key] = strategicMerge(current, value);
    } else if (Array.isArray(value) && Array.isArray(current) && MERGE_KEYS[key] !== undefined) {
      result[key] = mergeList(current, value, MERGE_KEYS[key]);
    } else {
      result[key] = structuredClone(value);
    }
  }
  return result;
}

function mergeList(current: unknown[], patch: unknown[], mergeKey: string): unknown[] {
  const merged = current.map((item) => structuredClone(item));
  for (const item of patch) {
    if (!isObject(item) || item[mergeKey] === undefined) {
      throw new Error(`a patch item of a keyed list lacks its merge key ${mergeKey}`);
    }
    const index = merged.findIndex((m) => isObject(m) && m[mergeKey] === item[mergeKey]);
    if (index < 0) merged.push(structuredClone(item));
    else merged[index] = strategicMerge(merged[index] as Doc, item);
  }
  return merged;
}
