// A small kustomize: renders deploy/k8s overlays offline the way `kubectl apply -k` would, for the
// fields castbus uses. Any other kustomization field fails loudly, so a manifest never relies on
// behaviour this renderer does not reproduce.
import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { basename, join, relative, resolve } from "node:path";
import { arr, isObject, obj, readEnvFile, readYaml, readYamlDocuments, rel, str } from "./files.js";
import type { Doc } from "./files.js";
import { strategicMerge } from "./strategic-merge.js";

const FIELDS = new Set([
  "apiVersion",
  "kind",
  "resources",
  "components",
  "namespace",
  "images",
  "replicas",
  "patches",
  "configMapGenerator",
  "secretGenerator",
  "generatorOptions",
]);
const CLUSTER_SCOPED = new Set(["Namespace", "ClusterRole", "ClusterRoleBinding", "PriorityClass"]);

/** One object on its way through the render, with what its generator asked for. */
interface Item {
  doc: Doc;
  generated?: { hashSuffix: boolean };
}

/** Renders the kustomization in `dir` (a Kustomization, not a Component) to its objects. */
export function renderKustomization(dir: string): Doc[] {
  const items = build(dir, "Kustomization", []);
  applyNameSuffixes(items);
  return items.map((item) => item.doc);
}

/** The kustomization file of `dir`, with its fields checked. */
export function readKustomization(dir: string): Doc {
  const file = ["kustomization.yaml", "kustomization.yml"]
    .map((name) => join(dir, name))
    .find((path) => existsSync(path));
  if (file === undefined) throw new Error(`${rel(dir)} has no kustomization.yaml`);
  const doc = readYaml(file);
  const unknown = Object.keys(doc).filter((key) => !FIELDS.has(key));
  if (unknown.length > 0) throw new Error(`${rel(file)}: unsupported fields ${unknown.join(", ")}`);
  return doc;
}

function build(dir: string, kind: "Kustomization" | "Component", items: Item[]): Item[] {
  const k = readKustomization(dir);
  if (k["kind"] !== kind) throw new Error(`${rel(dir)} must be a ${kind}, is ${String(k["kind"])}`);
  for (const entry of strings(k, "resources")) {
    const path = resolve(dir, entry);
    const added = statSync(path).isDirectory()
      ? build(path, "Kustomization", [])
      : readYamlDocuments(path).map((doc) => ({ doc: doc as Doc }));
    for (const item of added) add(items, item, path);
  }
  // A component works on everything accumulated so far, the parent's resources included.
  for (const entry of strings(k, "components")) build(resolve(dir, entry), "Component", items);
  for (const generator of arr(k, "configMapGenerator"))
    generate(dir, k, generator, "ConfigMap", items);
  for (const generator of arr(k, "secretGenerator")) generate(dir, k, generator, "Secret", items);
  for (const patch of arr(k, "patches")) applyPatch(dir, patch, items);
  const namespace = str(k, "namespace");
  if (namespace !== undefined) {
    for (const { doc } of items) {
      if (!CLUSTER_SCOPED.has(String(doc["kind"]))) obj(doc, "metadata")["namespace"] = namespace;
    }
  }
  for (const image of arr(k, "images")) setImage(items, image);
  for (const replicas of arr(k, "replicas")) setReplicas(items, replicas);
  return items;
}

function add(items: Item[], item: Item, from: string): void {
  if (!isObject(item.doc) || typeof item.doc["kind"] !== "string") {
    throw new Error(`${rel(from)}: a resource without kind`);
  }
  if (items.some((other) => idOf(other.doc) === idOf(item.doc))) {
    throw new Error(`${rel(from)}: ${idOf(item.doc)} is already defined`);
  }
  items.push(item);
}

/** kind/namespace/name: what kustomize calls a resource id. */
export function idOf(doc: Doc): string {
  const meta = obj(doc, "metadata");
  return `${String(doc["kind"])}/${str(meta, "namespace") ?? ""}/${str(meta, "name") ?? ""}`;
}

function strings(doc: Doc, key: string): string[] {
  return arr(doc, key).map((value) => {
    if (typeof value !== "string") throw new Error(`${key} entries must be strings`);
    return value;
  });
}

/** A file a generator reads; like kustomize, never one outside the kustomization's directory. */
function inside(dir: string, path: string): string {
  const full = resolve(dir, path);
  if (relative(dir, full).startsWith("..")) {
    throw new Error(`${rel(full)} is outside ${rel(dir)} (kustomize's load restrictor refuses it)`);
  }
  return full;
}

/** The data a generator entry describes: env files, then literals, then files. */
function generatorData(dir: string, spec: Doc): Record<string, string> {
  const data: Record<string, string> = {};
  for (const file of strings(spec, "envs")) Object.assign(data, readEnvFile(inside(dir, file)));
  for (const literal of strings(spec, "literals")) {
    const eq = literal.indexOf("=");
    data[literal.slice(0, eq)] = literal.slice(eq + 1);
  }
  for (const entry of strings(spec, "files")) {
    const [key, path] = entry.includes("=") ? entry.split("=", 2) : [basename(entry), entry];
    data[key!] = readFileSync(inside(dir, path!), "utf8");
  }
  return data;
}

function generate(dir: string, k: Doc, spec: unknown, kind: string, items: Item[]): void {
  const name = str(spec, "name");
  if (name === undefined || !isObject(spec))
    throw new Error(`${rel(dir)}: a ${kind} generator without name`);
  const raw = generatorData(dir, spec);
  const data = kind === "Secret" ? base64(raw) : raw;
  const options = { ...obj(k, "generatorOptions"), ...obj(spec, "options") };
  const labels = obj(options, "labels");
  const behavior = str(spec, "behavior") ?? "create";
  if (behavior === "create") {
    const doc: Doc = { apiVersion: "v1", kind, metadata: { name, labels: { ...labels } }, data };
    if (kind === "Secret") doc["type"] = "Opaque";
    add(items, { doc, generated: { hashSuffix: options["disableNameSuffixHash"] !== true } }, dir);
    return;
  }
  const existing = items.find(
    (i) => i.doc["kind"] === kind && obj(i.doc, "metadata")["name"] === name,
  );
  if (existing?.generated === undefined || !["merge", "replace"].includes(behavior)) {
    throw new Error(`${rel(dir)}: cannot ${behavior} ${kind} ${name} (only generated ones merge)`);
  }
  existing.doc["data"] = behavior === "merge" ? { ...obj(existing.doc, "data"), ...data } : data;
  Object.assign(obj(existing.doc, "metadata")["labels"] as Doc, labels);
}

function base64(data: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString("base64")]),
  );
}

function applyPatch(dir: string, spec: unknown, items: Item[]): void {
  const path = str(spec, "path");
  if (path === undefined) throw new Error(`${rel(dir)}: only patches from files are supported`);
  const target = obj(spec, "target");
  for (const patch of readYamlDocuments(inside(dir, path))) {
    if (!isObject(patch))
      throw new Error(`${rel(dir)}/${path}: only strategic merge patches are supported`);
    const matches =
      Object.keys(target).length > 0
        ? items.filter((item) => matchesTarget(item.doc, target))
        : items.filter(
            (item) =>
              item.doc["kind"] === patch["kind"] &&
              obj(item.doc, "metadata")["name"] === obj(patch, "metadata")["name"],
          );
    if (matches.length === 0 && Object.keys(target).length === 0) {
      throw new Error(
        `${rel(dir)}/${path}: no ${String(patch["kind"])} ${String(obj(patch, "metadata")["name"])} to patch`,
      );
    }
    for (const item of matches) {
      const { metadata: _ignored, ...body } = patch;
      item.doc = strategicMerge(item.doc, body);
    }
  }
}

function matchesTarget(doc: Doc, target: Doc): boolean {
  const meta = obj(doc, "metadata");
  if (target["kind"] !== undefined && doc["kind"] !== target["kind"]) return false;
  if (target["name"] !== undefined && meta["name"] !== target["name"]) return false;
  const selector = str(target, "labelSelector");
  if (selector === undefined) return true;
  const labels = obj(meta, "labels");
  return selector.split(",").every((term) => {
    const [key, value] = term.split("=");
    return labels[key!.trim()] === value?.trim();
  });
}

/** The pod spec of a workload (Deployment, StatefulSet, DaemonSet, Job, CronJob, Pod). */
export function podSpecOf(doc: Doc): Doc | undefined {
  const kind = doc["kind"];
  if (kind === "Pod") return obj(doc, "spec");
  if (kind === "CronJob")
    return obj(obj(obj(obj(doc, "spec"), "jobTemplate"), "spec"), "template")["spec"] as Doc;
  if (["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"].includes(String(kind))) {
    return obj(obj(obj(doc, "spec"), "template"), "spec");
  }
  return undefined;
}

function setImage(items: Item[], spec: unknown): void {
  const name = str(spec, "name");
  const newName = str(spec, "newName") ?? name;
  const tag = str(spec, "newTag");
  for (const { doc } of items) {
    const pod = podSpecOf(doc);
    for (const container of [...arr(pod, "containers"), ...arr(pod, "initContainers")]) {
      const image = str(container, "image") ?? "";
      if (image.split(/[:@]/)[0] === name)
        (container as Doc)["image"] = tag === undefined ? newName : `${newName}:${tag}`;
    }
  }
}

function setReplicas(items: Item[], spec: unknown): void {
  const target = items.find(
    (i) => i.doc["kind"] === "Deployment" && obj(i.doc, "metadata")["name"] === str(spec, "name"),
  );
  if (target === undefined) throw new Error(`replicas: no Deployment ${String(str(spec, "name"))}`);
  obj(target.doc, "spec")["replicas"] = (spec as Doc)["count"];
}

/** Appends the content hash to generated names and points every reference at the new name. */
function applyNameSuffixes(items: Item[]): void {
  const renamed = new Map<string, string>();
  for (const item of items) {
    if (item.generated?.hashSuffix !== true) continue;
    const meta = obj(item.doc, "metadata");
    const hash = createHash("sha256").update(JSON.stringify(item.doc)).digest("hex").slice(0, 10);
    renamed.set(
      `${String(item.doc["kind"])}/${String(meta["name"])}`,
      `${String(meta["name"])}-${hash}`,
    );
    meta["name"] = `${String(meta["name"])}-${hash}`;
  }
  for (const { doc } of items) {
    const pod = podSpecOf(doc);
    if (pod !== undefined)
      forEachReference(pod, (kind, ref, key) => {
        const name = renamed.get(`${kind}/${String(ref[key])}`);
        if (name !== undefined) ref[key] = name;
      });
  }
}

/** Calls `visit` for every ConfigMap and Secret reference of a pod spec. */
export function forEachReference(
  pod: Doc,
  visit: (kind: "ConfigMap" | "Secret", ref: Doc, key: string) => void,
): void {
  for (const container of [...arr(pod, "containers"), ...arr(pod, "initContainers")]) {
    for (const source of arr(container, "envFrom")) {
      if (obj(source, "configMapRef")["name"] !== undefined)
        visit("ConfigMap", obj(source, "configMapRef"), "name");
      if (obj(source, "secretRef")["name"] !== undefined)
        visit("Secret", obj(source, "secretRef"), "name");
    }
    for (const variable of arr(container, "env")) {
      const from = obj(variable, "valueFrom");
      if (obj(from, "configMapKeyRef")["name"] !== undefined)
        visit("ConfigMap", obj(from, "configMapKeyRef"), "name");
      if (obj(from, "secretKeyRef")["name"] !== undefined)
        visit("Secret", obj(from, "secretKeyRef"), "name");
    }
  }
  for (const volume of arr(pod, "volumes")) {
    if (obj(volume, "configMap")["name"] !== undefined)
      visit("ConfigMap", obj(volume, "configMap"), "name");
    if (obj(volume, "secret")["secretName"] !== undefined)
      visit("Secret", obj(volume, "secret"), "secretName");
  }
}
