// Reads the Dockerfile and .dockerignore the way Docker does, for the checks that cannot run a
// Docker engine here: the parsed instructions, and the build context a `COPY . .` would see.
import { readFileSync } from "node:fs";

/** One instruction: its keyword, leading `--flag=value`s, and the rest (exec form parsed). */
export interface Instruction {
  readonly keyword: string;
  readonly flags: Readonly<Record<string, string>>;
  readonly args: string;
  /** The JSON array of the exec form (`CMD ["node", "x"]`), when used. */
  readonly exec?: readonly string[];
}

/** One build stage. */
export interface Stage {
  readonly name: string | undefined;
  readonly base: string;
  readonly instructions: Instruction[];
}

/** Parses a Dockerfile: line continuations, comments, global ARGs substituted into FROM. */
export function parseDockerfile(path: string): Stage[] {
  const lines: string[] = [];
  let pending = "";
  for (const raw of readFileSync(path, "utf8").split("\n")) {
    const line = raw.trim();
    if (line.startsWith("#") || (line === "" && pending === "")) continue;
    pending += `${pending === "" ? "" : " "}${line.replace(/\\$/, "").trim()}`;
    if (!line.endsWith("\\")) {
      lines.push(pending);
      pending = "";
    }
  }
  const globals: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const line of lines) {
    const instruction = parseInstruction(line);
    if (instruction.keyword === "FROM") {
      const [image, as, name] = substitute(instruction.args, globals).split(/\s+/);
      stages.push({
        name: as?.toUpperCase() === "AS" ? name : undefined,
        base: image!,
        instructions: [],
      });
    } else if (stages.length === 0 && instruction.keyword === "ARG") {
      const [key, value] = instruction.args.split("=", 2);
      globals[key!] = value ?? "";
    } else {
      const stage = stages.at(-1);
      if (stage === undefined) throw new Error(`${instruction.keyword} before FROM`);
      stage.instructions.push(instruction);
    }
  }
  return stages;
}

function parseInstruction(line: string): Instruction {
  const [keyword = "", ...words] = line.split(/\s+/);
  const flags: Record<string, string> = {};
  while (words[0]?.startsWith("--") === true) {
    const [key, value] = words.shift()!.slice(2).split("=", 2);
    flags[key!] = value ?? "true";
  }
  const args = words.join(" ");
  const execText = keyword.toUpperCase() === "HEALTHCHECK" ? args.replace(/^CMD\s+/, "") : args;
  const exec = execText.startsWith("[") ? (JSON.parse(execText) as string[]) : undefined;
  return { keyword: keyword.toUpperCase(), flags, args, ...(exec === undefined ? {} : { exec }) };
}

function substitute(text: string, values: Record<string, string>): string {
  return text.replace(
    /\$\{(\w+)\}|\$(\w+)/g,
    (_m, a?: string, b?: string) => values[(a ?? b)!] ?? "",
  );
}

/** `ENV A=1 B="x y"` (or the legacy `ENV A 1`) as a map. */
export function parseEnv(args: string): Record<string, string> {
  const env: Record<string, string> = {};
  if (!args.includes("=")) {
    const [key, ...rest] = args.split(/\s+/);
    env[key!] = rest.join(" ");
    return env;
  }
  for (const match of args.matchAll(/(\w+)=("(?:[^"\\]|\\.)*"|\S*)/g)) {
    env[match[1]!] = match[2]!.startsWith('"') ? (JSON.parse(match[2]!) as string) : match[2]!;
  }
  return env;
}

/** A .dockerignore: patterns in order, the last one matching a path or its parent decides. */
export class DockerIgnore {
  readonly #rules: { exclude: boolean; pattern: string; regex: RegExp }[];

  constructor(path: string) {
    this.#rules = readFileSync(path, "utf8")
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line !== "" && !line.startsWith("#"))
      .map((line) => {
        const exclude = !line.startsWith("!");
        const pattern = line
          .replace(/^!/, "")
          .replace(/^\.?\//, "")
          .replace(/\/$/, "");
        return { exclude, pattern, regex: globToRegex(pattern) };
      });
  }

  /** Whether `path` (relative to the context, `/`-separated) stays out of the context. */
  ignores(path: string): boolean {
    const candidates = path.split("/").map((_, i, parts) => parts.slice(0, i + 1).join("/"));
    let ignored = false;
    for (const rule of this.#rules) {
      if (candidates.some((candidate) => rule.regex.test(candidate))) ignored = rule.exclude;
    }
    return ignored;
  }

  /** Whether nothing below the ignored directory `path` can be brought back by a `!` rule. */
  prunes(path: string): boolean {
    return (
      this.ignores(path) && !this.#rules.some((r) => !r.exclude && r.pattern.startsWith(`${path}/`))
    );
  }
}

function globToRegex(pattern: string): RegExp {
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (pattern.startsWith("**/", i)) {
      source += "(?:.*/)?";
      i += 2;
    } else if (pattern.startsWith("**", i)) {
      source += ".*";
      i += 1;
    } else if (char === "*") source += "[^/]*";
    else if (char === "?") source += "[^/]";
    else source += char.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${source}$`);
}
