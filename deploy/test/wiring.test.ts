// How the rendered objects connect: settings and Secrets reach the right services, Services and
// the ServiceMonitor find their pods, network policies allow exactly the traffic castbus needs,
// and the autoscaler watches the consumer group on the NATS the Helm values describe.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEPLOY, ROOT, arr, obj, readYaml, str, type Doc } from "./files.js";
import { forEachReference } from "./kustomize.js";
import { find, mainContainer, nameOf, ofKind, renderOverlay, renderWith, K8S } from "./renders.js";
import { allSecretVariables, deployableServices, serviceEnv } from "./service-config.js";
import { podLabels, portNames, selects, serviceDeployments, sharedConfig } from "./workloads.js";

const renders = { dev: renderOverlay("dev"), prod: renderOverlay("prod") };
const cases = Object.entries(renders).map(([name, docs]) => ({ name, docs }));
const docsText = readFileSync(join(ROOT, "docs", "deploy.md"), "utf8");
const podSpec = (doc: Doc) => obj(obj(doc, "spec"), "template")["spec"] as Doc;

describe("settings and Secrets", () => {
  it.each(cases)("$name: every shared setting is a variable some service reads", ({ docs }) => {
    const known = new Set(deployableServices().flatMap((s) => [...serviceEnv(s).variables]));
    expect(Object.keys(sharedConfig(docs)).filter((key) => !known.has(key))).toEqual([]);
  });

  it.each(cases)(
    "$name: no secret variable is in a ConfigMap or a literal env value",
    ({ docs }) => {
      const secrets = allSecretVariables();
      expect(secrets.has("CB_TOKEN") && secrets.has("GATEWAY_TOKENS")).toBe(true);
      for (const map of ofKind(docs, "ConfigMap")) {
        expect(
          Object.keys(obj(map, "data")).filter((k) => secrets.has(k)),
          nameOf(map),
        ).toEqual([]);
      }
      for (const doc of ofKind(docs, "Deployment")) {
        const literal = arr(mainContainer(doc), "env").filter((e) => str(e, "value") !== undefined);
        expect(
          literal.map((e) => str(e, "name")).filter((n) => secrets.has(n ?? "")),
          nameOf(doc),
        ).toEqual([]);
      }
    },
  );

  it.each(cases)(
    "$name: ingesters, and services that need credentials, get them from a required Secret",
    ({ docs }) => {
      for (const doc of serviceDeployments(docs)) {
        const own = [...serviceEnv(nameOf(doc)).requiredSecrets];
        // An ingester always needs its upstream's account and credentials, even where each
        // variable alone is optional (CB_USERNAME + CB_TOKEN, or CB_ACCOUNTS_FILE).
        if (nameOf(doc).startsWith("ingester-")) own.push("its upstream credentials");
        const refs = arr(mainContainer(doc), "envFrom").map((e) => obj(e, "secretRef"));
        const required = refs.filter((r) => r["name"] !== undefined && r["optional"] !== true);
        expect(required.length > 0, `${nameOf(doc)} reads ${own.join(", ")}`).toBe(own.length > 0);
      }
    },
  );

  it.each(cases)(
    "$name: every ConfigMap and Secret a pod uses exists or is documented",
    ({ docs }) => {
      const missing: string[] = [];
      for (const doc of ofKind(docs, "Deployment")) {
        forEachReference(podSpec(doc), (kind, ref, key) => {
          const name = String(ref[key]);
          if (find(docs, kind, name) !== undefined) return;
          // Secrets the operator creates (kubectl create secret ...) must be in docs/deploy.md.
          if (kind === "Secret" && docsText.includes(name)) return;
          missing.push(`${nameOf(doc)} -> ${kind} ${name}`);
        });
      }
      expect(missing).toEqual([]);
    },
  );

  it("dev's demo Secrets hold only variables their services read", () => {
    for (const doc of serviceDeployments(renders.dev)) {
      const variables = serviceEnv(nameOf(doc)).variables;
      for (const ref of arr(mainContainer(doc), "envFrom").map((e) =>
        str(obj(e, "secretRef"), "name"),
      )) {
        const secret = ref === undefined ? undefined : find(renders.dev, "Secret", ref);
        if (secret === undefined) continue;
        expect(
          Object.keys(obj(secret, "data")).filter((k) => !variables.has(k)),
          ref,
        ).toEqual([]);
      }
    }
  });
});

describe("Services and monitoring", () => {
  it.each(cases)("$name: every Service selects pods that have its target ports", ({ docs }) => {
    for (const service of ofKind(docs, "Service")) {
      const targets = ofKind(docs, "Deployment").filter((d) =>
        selects({ matchLabels: obj(obj(service, "spec"), "selector") }, podLabels(d)),
      );
      expect(targets.length, nameOf(service)).toBeGreaterThan(0);
      for (const port of arr(obj(service, "spec"), "ports")) {
        for (const target of targets) expect(portNames(target)).toContain(str(port, "targetPort"));
      }
    }
  });

  it("prod scrapes every castbus Deployment, ready or not, with one ServiceMonitor", () => {
    const [monitor] = ofKind(renders.prod, "ServiceMonitor");
    const selector = obj(obj(monitor, "spec"), "selector");
    for (const doc of serviceDeployments(renders.prod)) {
      const metrics = ofKind(renders.prod, "Service").find(
        (s) =>
          selects({ matchLabels: obj(obj(s, "spec"), "selector") }, podLabels(doc)) &&
          selects(selector, obj(obj(s, "metadata"), "labels")),
      );
      expect(metrics, nameOf(doc)).toBeDefined();
      expect(obj(metrics, "spec")["publishNotReadyAddresses"]).toBe(true);
      expect(arr(obj(metrics, "spec"), "ports").map((p) => str(p, "name"))).toContain("metrics");
    }
    expect(str(obj(monitor, "spec"), "jobLabel")).toBe("app.kubernetes.io/name");
  });

  it("prod ships the alert rules and the dashboard for Grafana's sidecar", () => {
    expect(ofKind(renders.prod, "PrometheusRule")).toHaveLength(1);
    const dashboard = find(renders.prod, "ConfigMap", "castbus-dashboard");
    expect(obj(obj(dashboard, "metadata"), "labels")["grafana_dashboard"]).toBe("1");
    expect(JSON.parse(String(obj(dashboard, "data")["dashboard.json"]))).toMatchObject({
      uid: "castbus",
    });
  });
});

describe("network policies", () => {
  const allowedEgress: Record<string, number[]> = { "ingester-obs": [53, 4222, 443, 4455] };
  it.each(cases)("$name: each castbus pod is fenced in both directions", ({ docs }) => {
    for (const doc of serviceDeployments(docs)) {
      const policies = ofKind(docs, "NetworkPolicy").filter((p) => nameOf(p) === nameOf(doc));
      expect(policies, nameOf(doc)).toHaveLength(1);
      const spec = obj(policies[0], "spec");
      expect(selects(obj(spec, "podSelector"), podLabels(doc))).toBe(true);
      expect(arr(spec, "policyTypes")).toEqual(["Ingress", "Egress"]);
      const inPorts = arr(spec, "ingress").flatMap((r) =>
        arr(r, "ports").map((p) => (p as Doc)["port"]),
      );
      expect(inPorts.sort()).toEqual(nameOf(doc) === "gateway" ? ["api", "metrics"] : ["metrics"]);
      const outPorts = new Set(
        arr(spec, "egress").flatMap((r) => arr(r, "ports").map((p) => (p as Doc)["port"])),
      );
      const allowed =
        allowedEgress[nameOf(doc)] ??
        (nameOf(doc).startsWith("ingester-") ? [53, 4222, 443] : [53, 4222]);
      expect([...outPorts].sort()).toEqual([...allowed].sort());
    }
  });

  it("lets metrics in only from Prometheus pods", () => {
    for (const policy of ofKind(renders.prod, "NetworkPolicy")) {
      for (const rule of arr(obj(policy, "spec"), "ingress")) {
        if (!arr(rule, "ports").some((p) => (p as Doc)["port"] === "metrics")) continue;
        expect(arr(rule, "from")).toEqual([
          {
            namespaceSelector: {},
            podSelector: { matchLabels: { "app.kubernetes.io/name": "prometheus" } },
          },
        ]);
      }
    }
  });
});

describe("autoscaling and NATS", () => {
  const values = readYaml(join(DEPLOY, "nats", "values.yaml"));
  const config = sharedConfig(renders.prod);

  it("points NATS_URL at the client Service of the Helm release the values file describes", () => {
    expect(config["NATS_URL"]).toBe("nats://nats.nats.svc.cluster.local:4222");
    expect(obj(obj(values, "config"), "jetstream")).toMatchObject({
      enabled: true,
      fileStore: { enabled: true, pvc: { enabled: true } },
    });
    expect(obj(obj(values, "config"), "cluster")).toMatchObject({ enabled: true, replicas: 3 });
  });

  it("has KEDA read the worker group's lag on EVENTS through the headless monitoring Service", () => {
    const [scaled] = ofKind(renders.prod, "ScaledObject");
    const [trigger] = arr(obj(scaled, "spec"), "triggers");
    const monitor = obj(obj(values, "config"), "monitor");
    expect(monitor["enabled"]).toBe(true);
    expect(trigger).toMatchObject({
      type: "nats-jetstream",
      metadata: {
        natsServerMonitoringEndpoint: `nats-headless.nats.svc.cluster.local:${String(monitor["port"])}`,
        account: "$G",
        stream: "EVENTS",
        consumer: config["WORKER_GROUP"],
      },
    });
    expect(Number(str(obj(trigger, "metadata"), "lagThreshold"))).toBeGreaterThan(0);
    expect(Number(obj(scaled, "spec")["minReplicaCount"])).toBeGreaterThanOrEqual(1);
  });

  it("has the HPA fallbacks scale the same Deployment, the lag one on the same group", () => {
    for (const component of ["hpa-cpu", "hpa-lag"]) {
      const docs = renderWith([join(K8S, "components", component)]);
      const [hpa] = ofKind(docs, "HorizontalPodAutoscaler");
      expect(obj(obj(hpa, "spec"), "scaleTargetRef")).toMatchObject({
        kind: "Deployment",
        name: "worker",
      });
      expect(ofKind(docs, "ScaledObject")).toEqual([]);
    }
    const lag = ofKind(
      renderWith([join(K8S, "components", "hpa-lag")]),
      "HorizontalPodAutoscaler",
    )[0];
    expect(JSON.stringify(lag)).toContain(`"consumer":"${config["WORKER_GROUP"]}"`);
  });
});
