// Validates Kubernetes objects offline against the schemas in the kubernetes-models packages:
// the JSON schemas (types, enums, formats, required fields) through each model's validate(), and
// unknown fields, which those schemas allow but `kubectl apply` (strict field validation)
// refuses, through TypeScript's excess property check against the models' interfaces.
import { dirname, join } from "node:path";
import ts from "typescript";
import { DEPLOY, type Doc } from "./files.js";

/** The npm package whose models describe an API group. */
function packageOf(apiVersion: string): string {
  const group = apiVersion.includes("/") ? apiVersion.split("/")[0] : "";
  if (group === "keda.sh") return "@kubernetes-models/keda";
  if (group === "monitoring.coreos.com") return "@kubernetes-models/prometheus-operator";
  return "kubernetes-models";
}

/** The module of the model for `apiVersion` + `kind`, e.g. kubernetes-models/apps/v1/Deployment. */
export function modelModule(doc: Doc): string {
  const apiVersion = String(doc["apiVersion"]);
  return `${packageOf(apiVersion)}/${apiVersion}/${String(doc["kind"])}`;
}

interface Model {
  validate(): void;
}

/** Runs the model's schema validation; resolves to the problem, or undefined when valid. */
export async function schemaProblem(doc: Doc): Promise<string | undefined> {
  let module: Record<string, unknown>;
  try {
    module = (await import(modelModule(doc))) as Record<string, unknown>;
  } catch {
    return `no schema for ${String(doc["apiVersion"])} ${String(doc["kind"])}`;
  }
  const ModelClass = module[String(doc["kind"])] as new (data: Doc) => Model;
  try {
    new ModelClass(doc).validate();
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * TypeScript diagnostics of assigning each object literal to its model's interface: an unknown
 * or misspelt field anywhere in the object is an excess property error. One program for all
 * objects; the source lives only in memory, beside deploy/ so the packages resolve.
 */
export function unknownFieldProblems(docs: readonly { name: string; doc: Doc }[]): string[] {
  const file = join(DEPLOY, "test", "__manifests__.ts");
  const imports = new Map<string, string>();
  const lines = docs.map(({ doc }, index) => {
    const module = modelModule(doc);
    const alias = imports.get(module) ?? `T${imports.size}`;
    imports.set(module, alias);
    return `export const o${index}: ${alias} = ${JSON.stringify(doc)};`;
  });
  const header = [...imports].map(
    ([module, alias]) =>
      `import type { I${module.split("/").pop()} as ${alias} } from "${module}";`,
  );
  const source = [...header, ...lines].join("\n");
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2023,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (path) => (path === file ? source : readFile(path));
  host.fileExists = (path) => path === file || ts.sys.fileExists(path);
  host.getSourceFile = (path, language) =>
    path === file ? ts.createSourceFile(path, source, language) : getSourceFile(path, language);
  const program = ts.createProgram([file], options, host);
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n");
    if (diagnostic.file?.fileName !== file || diagnostic.start === undefined) return message;
    const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
    const owner = docs[line - header.length]?.name ?? dirname(file);
    return `${owner}: ${message}`;
  });
}
