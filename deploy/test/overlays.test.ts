// What the rendered overlays promise about every castbus pod, and how prod differs from dev.
import { describe, expect, it } from "vitest";
import { arr, obj, str, type Doc } from "./files.js";
import { mainContainer, nameOf, ofKind, renderOverlay } from "./renders.js";
import { deployableServices } from "./service-config.js";
import {
  autoscaled,
  deployment,
  podLabels,
  replicaFloor,
  requests,
  selects,
  serviceDeployments,
  sharedConfig,
} from "./workloads.js";

const dev = renderOverlay("dev");
const prod = renderOverlay("prod");
const overlays = [
  { name: "dev", docs: dev },
  { name: "prod", docs: prod },
];
const eachDeployment = overlays.flatMap(({ name, docs }) =>
  serviceDeployments(docs).map((doc) => ({ overlay: name, deployment: nameOf(doc), doc, docs })),
);

function probe(container: Doc, kind: string): { path: string | undefined; port: unknown } {
  const get = obj(obj(container, kind), "httpGet");
  return { path: str(get, "path"), port: get["port"] };
}

describe("every castbus Deployment", () => {
  it.each(eachDeployment)(
    "$overlay/$deployment: liveness on /healthz, readiness on /readyz, both on the metrics port",
    ({ doc }) => {
      const container = mainContainer(doc);
      expect(probe(container, "livenessProbe")).toEqual({ path: "/healthz", port: "metrics" });
      expect(probe(container, "readinessProbe")).toEqual({ path: "/readyz", port: "metrics" });
      expect(probe(container, "startupProbe").path).toBe("/healthz");
    },
  );

  it.each(eachDeployment)(
    "$overlay/$deployment: non-root, read-only root filesystem, no privileges, only /tmp writable",
    ({ doc }) => {
      const pod = obj(obj(doc, "spec"), "template")["spec"] as Doc;
      const container = mainContainer(doc);
      expect(obj(pod, "securityContext")).toMatchObject({
        runAsNonRoot: true,
        runAsUser: 1000,
        seccompProfile: { type: "RuntimeDefault" },
      });
      expect(obj(container, "securityContext")).toEqual({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ["ALL"] },
      });
      // /tmp is the one writable place; anything else mounted is a read-only Secret.
      const mounts = arr(container, "volumeMounts") as Doc[];
      const volumes = arr(pod, "volumes") as Doc[];
      expect(mounts).toContainEqual({ name: "tmp", mountPath: "/tmp" });
      expect(volumes).toContainEqual({ name: "tmp", emptyDir: { sizeLimit: expect.any(String) } });
      for (const mount of mounts.filter((m) => m["name"] !== "tmp")) {
        expect(mount["readOnly"], str(mount, "name")).toBe(true);
        const volume = volumes.find((v) => v["name"] === mount["name"]);
        expect(Object.keys(volume ?? {}).sort()).toEqual(["name", "secret"]);
      }
      // Service links would set GATEWAY_PORT=tcp://... in every pod of the namespace.
      expect(pod).toMatchObject({ enableServiceLinks: false, automountServiceAccountToken: false });
    },
  );

  it.each(eachDeployment)(
    "$overlay/$deployment: requests CPU and memory, limits memory",
    ({ doc }) => {
      const resources = obj(mainContainer(doc), "resources");
      expect(Object.keys(obj(resources, "requests")).sort()).toEqual(["cpu", "memory"]);
      expect(obj(resources, "limits")["memory"]).toBeDefined();
    },
  );

  it.each(eachDeployment)(
    "$overlay/$deployment: the termination grace period covers SHUTDOWN_GRACE_MS, preStop and a margin",
    ({ doc, docs }) => {
      const pod = obj(obj(doc, "spec"), "template")["spec"] as Doc;
      const graceS = Math.ceil(Number(sharedConfig(docs)["SHUTDOWN_GRACE_MS"]) / 1000);
      const preStopS = Number(
        obj(obj(obj(mainContainer(doc), "lifecycle"), "preStop"), "sleep")["seconds"] ?? 0,
      );
      expect(graceS).toBeGreaterThan(0);
      expect(pod["terminationGracePeriodSeconds"]).toBeGreaterThanOrEqual(graceS + preStopS + 10);
    },
  );

  it.each(eachDeployment)(
    "$overlay/$deployment: runs the service it is named after, from the castbus image",
    ({ overlay, doc }) => {
      const container = mainContainer(doc);
      expect(arr(container, "args")).toEqual([nameOf(doc)]);
      const image = str(container, "image") ?? "";
      expect(image).toMatch(overlay === "dev" ? /^castbus:dev$/ : /\/castbus:[\w.-]+$/);
    },
  );
});

describe("the overlays", () => {
  it("deploy every service in services/ (a new service needs a deploy entry)", () => {
    for (const docs of [dev, prod]) {
      const names = serviceDeployments(docs).map(nameOf);
      for (const service of deployableServices()) expect(names).toContain(service);
    }
  });

  it("give prod more gateway and worker replicas than dev, and never fewer of anything", () => {
    for (const doc of serviceDeployments(prod)) {
      expect(replicaFloor(prod, doc)).toBeGreaterThanOrEqual(
        replicaFloor(dev, deployment(dev, nameOf(doc))),
      );
    }
    for (const name of ["gateway", "worker"]) {
      expect(replicaFloor(prod, deployment(prod, name))).toBeGreaterThan(
        replicaFloor(dev, deployment(dev, name)),
      );
    }
  });

  it("give prod larger requests than dev, and never smaller", () => {
    for (const doc of serviceDeployments(prod)) {
      const [p, d] = [requests(doc), requests(deployment(dev, nameOf(doc)))];
      expect(p.cpu).toBeGreaterThanOrEqual(d.cpu);
      expect(p.memory).toBeGreaterThanOrEqual(d.memory);
      expect(p.cpu + p.memory).toBeGreaterThan(d.cpu + d.memory);
    }
  });

  it("cover every prod Deployment with a PodDisruptionBudget that still lets nodes drain", () => {
    const budgets = ofKind(prod, "PodDisruptionBudget");
    for (const doc of serviceDeployments(prod)) {
      const covering = budgets.filter((b) =>
        selects(obj(obj(b, "spec"), "selector"), podLabels(doc)),
      );
      expect(covering.map(nameOf), nameOf(doc)).toHaveLength(1);
      const minAvailable = obj(covering[0]!, "spec")["minAvailable"];
      if (minAvailable !== undefined)
        expect(replicaFloor(prod, doc)).toBeGreaterThan(Number(minAvailable));
    }
    expect(ofKind(dev, "PodDisruptionBudget")).toEqual([]);
  });

  it("autoscale the prod worker group and leave its replica count to the autoscaler", () => {
    expect(autoscaled(prod, "worker")).toBe(true);
    expect(obj(deployment(prod, "worker"), "spec")["replicas"]).toBeUndefined();
    expect(autoscaled(dev, "worker")).toBe(false);
  });

  it("run the simulators in dev only, with every ingester pointed at one", () => {
    expect(ofKind(prod, "Deployment").filter((d) => nameOf(d).startsWith("sim-"))).toEqual([]);
    const sims = ofKind(dev, "Service")
      .map(nameOf)
      .filter((n) => n.startsWith("sim-"));
    expect(sims.sort()).toEqual(["sim-chaturbate", "sim-obs", "sim-tokenbowl", "sim-twitch"]);
    const secrets = ofKind(dev, "Secret").map((s) =>
      Object.values(obj(s, "data")).map((v) => Buffer.from(String(v), "base64").toString()),
    );
    for (const sim of sims) {
      expect(
        secrets.flat().some((value) => value.includes(`//${sim}:`)),
        sim,
      ).toBe(true);
    }
  });

  it("keep stream replicas within the NATS cluster each overlay expects", () => {
    expect(sharedConfig(prod)["EVENTS_REPLICAS"]).toBe("3");
    expect(sharedConfig(dev)["EVENTS_REPLICAS"]).toBe("1");
  });
});
