// Runs a Dockerfile's build steps without Docker: each stage gets a directory standing for its
// root filesystem, COPY copies from the build context (minus .dockerignore) or an earlier stage,
// RUN runs the same shell command in the stage's WORKDIR. The base images' own contents are not
// there: the host's node and npm stand in for node:24-alpine's.
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, statSync } from "node:fs";
import { join, posix, relative, sep } from "node:path";
import { DockerIgnore, parseDockerfile, parseEnv, type Instruction } from "./dockerfile.js";

/** Runs one RUN command (`command` as Docker's `/bin/sh -c` would get it). */
export type StepRunner = (command: string, cwd: string, env: Record<string, string>) => void;

/** The image the last stage describes, with its filesystem in `root`. */
export interface BuiltImage {
  readonly root: string;
  readonly workdir: string;
  readonly env: Readonly<Record<string, string>>;
  readonly user: string | undefined;
  readonly entrypoint: readonly string[];
  readonly healthcheck: readonly string[];
  /** Every RUN command of every stage, in order. */
  readonly runs: readonly string[];
}

/** Runs `command` with sh, failing with its output's tail. */
export const runShell: StepRunner = (command, cwd, env) => {
  try {
    execFileSync("sh", ["-c", command], {
      cwd,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: Buffer; stderr?: Buffer };
    const output = `${stdout?.toString() ?? ""}${stderr?.toString() ?? ""}`.slice(-4000);
    throw new Error(`RUN ${command} failed:\n${output}`, { cause: error });
  }
};

/** What a stage's instructions have set so far. */
interface StageState {
  workdir: string;
  env: Record<string, string>;
  user: string | undefined;
  entrypoint: readonly string[];
  healthcheck: readonly string[];
}

/** Where a stage's instructions read from and write to. */
interface StagePlaces {
  readonly root: string;
  readonly roots: ReadonlyMap<string, string>;
  readonly context: string;
  readonly ignore: DockerIgnore;
  readonly run: StepRunner;
  readonly runs: string[];
}

/** Builds `dockerfile` from `context` inside `dir`. */
export function simulateBuild(options: {
  dockerfile: string;
  context: string;
  dir: string;
  run?: StepRunner;
}): BuiltImage {
  const ignore = new DockerIgnore(join(options.context, ".dockerignore"));
  const roots = new Map<string, string>();
  const runs: string[] = [];
  let image: BuiltImage | undefined;
  for (const [index, stage] of parseDockerfile(options.dockerfile).entries()) {
    const root = join(options.dir, `stage-${index}`);
    mkdirSync(root, { recursive: true });
    if (stage.name !== undefined) roots.set(stage.name, root);
    const state: StageState = {
      workdir: "/",
      env: {},
      user: undefined,
      entrypoint: [],
      healthcheck: [],
    };
    const places = {
      root,
      roots,
      context: options.context,
      ignore,
      run: options.run ?? runShell,
      runs,
    };
    for (const instruction of stage.instructions) apply(instruction, state, places);
    image = { root, ...state, runs };
  }
  if (image === undefined) throw new Error("no stage");
  return image;
}

function apply(instruction: Instruction, state: StageState, at: StagePlaces): void {
  switch (instruction.keyword) {
    case "WORKDIR":
      state.workdir = posix.resolve(state.workdir, instruction.args);
      mkdirSync(join(at.root, state.workdir), { recursive: true });
      return;
    case "COPY":
      return copy(instruction, { ...at, workdir: state.workdir });
    case "RUN":
      at.runs.push(instruction.args);
      return at.run(instruction.args, join(at.root, state.workdir), state.env);
    case "ENV":
      Object.assign(state.env, parseEnv(instruction.args));
      return;
    case "USER":
      state.user = instruction.args;
      return;
    case "ENTRYPOINT":
      state.entrypoint = instruction.exec ?? ["/bin/sh", "-c", instruction.args];
      return;
    case "HEALTHCHECK":
      state.healthcheck = instruction.exec ?? [];
      return;
    case "EXPOSE":
    case "LABEL":
    case "CMD":
      return;
    default:
      throw new Error(`the build check does not handle ${instruction.keyword}`);
  }
}

function copy(instruction: Instruction, at: StagePlaces & { workdir: string }): void {
  const parts = instruction.args.split(/\s+/);
  const dest = join(at.root, posix.resolve(at.workdir, parts.pop()!));
  const from = instruction.flags["from"];
  for (const source of parts) {
    if (from !== undefined) {
      const stageRoot = at.roots.get(from);
      if (stageRoot === undefined) throw new Error(`COPY --from=${from}: no such stage`);
      cpSync(join(stageRoot, source), dest, { recursive: true, verbatimSymlinks: true });
      continue;
    }
    const src = join(at.context, source);
    cpSync(src, source === "." ? dest : join(dest, posix.basename(source)), {
      recursive: true,
      verbatimSymlinks: true,
      filter: (path) => {
        const rel = relative(at.context, path).split(sep).join("/");
        if (rel === "") return true;
        return statSync(path).isDirectory() ? !at.ignore.prunes(rel) : !at.ignore.ignores(rel);
      },
    });
  }
}
