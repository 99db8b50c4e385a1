// docker-compose.yml as Compose sees it with nothing set in the environment: merge keys resolved
// and `${VAR:-default}` interpolated, so every default path and value is what gets checked.
import { join } from "node:path";
import { ROOT, arr, isObject, obj, readYaml, str, type Doc } from "./files.js";

/** Compose interpolation with an empty environment: `${VAR:-default}`, `${VAR}`, `$$`. */
function interpolate(value: unknown): unknown {
  if (typeof value === "string") {
    return value
      .replace(
        /\$\{(\w+)(:?-([^}]*))?\}/g,
        (_m, _name: string, _d, fallback?: string) => fallback ?? "",
      )
      .replaceAll("$$", "$");
  }
  if (Array.isArray(value)) return value.map(interpolate);
  if (isObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v)]));
  }
  return value;
}

/** The interpolated docker-compose.yml. */
export function loadCompose(): Doc {
  return interpolate(readYaml(join(ROOT, "docker-compose.yml"))) as Doc;
}

/** Services that run the castbus image (simulators included). */
export function castbusServiceNames(compose: Doc): string[] {
  const services = obj(compose, "services");
  return Object.keys(services).filter(
    (name) =>
      str(services[name], "image")?.startsWith("castbus") === true &&
      arr(services[name], "command").length > 0,
  );
}

/** A service's env files, as absolute paths, in order. */
export function envFilesOf(compose: Doc, name: string): string[] {
  return arr(obj(compose, "services")[name], "env_file").map((path) => join(ROOT, String(path)));
}

/** A service's command as one string (a YAML list of one folded line for the simulators). */
export function commandOf(compose: Doc, name: string): string {
  return arr(obj(compose, "services")[name], "command").join(" ");
}
