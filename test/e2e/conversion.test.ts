import { join } from "node:path";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import * as k8s from "@kubernetes/client-node";
import { hasKubectl, startCluster, type Cluster } from "../support/cluster.js";
import { partAvailable } from "../support/parts.js";

const kubectlMissing = !partAvailable("kubectl", hasKubectl(), "the machine image (kubectl v1.32 on PATH)");

const HPA_V1 = "/apis/autoscaling/v1/namespaces/conv/horizontalpodautoscalers";
const HPA_V2 = "/apis/autoscaling/v2/namespaces/conv/horizontalpodautoscalers";
const CORE_EVENTS = "/api/v1/namespaces/conv/events";
const EVENTS_V1 = "/apis/events.k8s.io/v1/namespaces/conv/events";
const json = { "Content-Type": "application/json" };

/** Watch events of a finished (timed-out) watch body. */
const watchEvents = (body: string) => body.trim().split("\n").filter(Boolean).map((l) => JSON.parse(l));

describe.skipIf(kubectlMissing)("one stored object per resource, served in every version (HTTPS, real kubectl)", () => {
  let c: Cluster;
  const dir = mkdtempSync(join(tmpdir(), "kitbash-conv-"));
  beforeAll(async () => {
    c = await startCluster(dir, ["--profile", "control-plane"]);
    expect((await c.kubectl(["create", "namespace", "conv"])).code).toBe(0);
  });
  afterAll(async () => {
    await c?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("creates an HPA as autoscaling/v1 and reads, lists and watches it as v2 (and back)", async () => {
    const watch = c.api("GET", `${HPA_V2}?watch=true&timeoutSeconds=3`);
    const v1 = { apiVersion: "autoscaling/v1", kind: "HorizontalPodAutoscaler", metadata: { name: "web" }, spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" }, maxReplicas: 5, targetCPUUtilizationPercentage: 50 } };
    const created = await c.api("POST", HPA_V1, JSON.stringify(v1), json);
    expect(created.status).toBe(201);
    expect(JSON.parse(created.body)).toMatchObject({ apiVersion: "autoscaling/v1", spec: { minReplicas: 1, maxReplicas: 5, targetCPUUtilizationPercentage: 50 } });

    const got = JSON.parse((await c.api("GET", `${HPA_V2}/web`)).body);
    expect(got.apiVersion).toBe("autoscaling/v2");
    expect(got.spec.metrics).toEqual([{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 50 } } }]);
    expect(got.spec.targetCPUUtilizationPercentage).toBeUndefined();
    const list = JSON.parse((await c.api("GET", HPA_V2)).body);
    expect(list).toMatchObject({ kind: "HorizontalPodAutoscalerList", apiVersion: "autoscaling/v2" });
    expect(list.items.map((i: any) => [i.apiVersion, i.metadata.name])).toEqual([["autoscaling/v2", "web"]]);

    const events = watchEvents((await watch).body);
    expect(events.map((e) => [e.type, e.object.apiVersion, e.object.metadata.name])).toEqual([["ADDED", "autoscaling/v2", "web"]]);
    expect(events[0].object.spec.metrics[0].resource.target.averageUtilization).toBe(50);
  });

  it("keeps v2-only fields through a v1 read-modify-write, in upstream's annotations", async () => {
    const v2 = {
      apiVersion: "autoscaling/v2",
      kind: "HorizontalPodAutoscaler",
      metadata: { name: "api" },
      spec: {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "api" },
        minReplicas: 2,
        maxReplicas: 8,
        metrics: [
          { type: "Resource", resource: { name: "memory", target: { type: "AverageValue", averageValue: "500Mi" } } },
          { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 60 } } },
        ],
        behavior: { scaleDown: { stabilizationWindowSeconds: 120, selectPolicy: "Max", policies: [{ type: "Pods", value: 1, periodSeconds: 60 }] } },
      },
    };
    expect((await c.api("POST", HPA_V2, JSON.stringify(v2), json)).status).toBe(201);
    const asV1 = JSON.parse((await c.api("GET", `${HPA_V1}/api`)).body);
    expect(asV1.spec).toEqual({ scaleTargetRef: v2.spec.scaleTargetRef, minReplicas: 2, maxReplicas: 8, targetCPUUtilizationPercentage: 60 });
    expect(JSON.parse(asV1.metadata.annotations["autoscaling.alpha.kubernetes.io/metrics"])).toEqual([{ type: "Resource", resource: { name: "memory", targetAverageValue: "500Mi" } }]);
    expect(asV1.metadata.annotations["autoscaling.alpha.kubernetes.io/behavior"]).toContain('"StabilizationWindowSeconds":120');

    asV1.spec.maxReplicas = 9;
    const put = await c.api("PUT", `${HPA_V1}/api`, JSON.stringify(asV1), json);
    expect(put.status).toBe(200);
    const after = JSON.parse((await c.api("GET", `${HPA_V2}/api`)).body);
    expect(after.spec).toEqual({ ...v2.spec, maxReplicas: 9 });
    expect(after.metadata.annotations).toBeUndefined();
    expect(after.metadata.generation).toBe(2);
  });

  it("validates HPAs in the v2 form whichever version is written, storing nothing on failure", async () => {
    const bad = { apiVersion: "autoscaling/v1", kind: "HorizontalPodAutoscaler", metadata: { name: "bad" }, spec: { scaleTargetRef: { kind: "Deployment" }, minReplicas: 4, maxReplicas: 2, targetCPUUtilizationPercentage: 0 } };
    const r = await c.api("POST", HPA_V1, JSON.stringify(bad), json);
    expect(r.status).toBe(422);
    expect(JSON.parse(r.body).details.causes.map((x: any) => x.field).sort()).toEqual(["spec.maxReplicas", "spec.metrics[0].resource.target.averageUtilization", "spec.scaleTargetRef.name"]);
    expect((await c.api("GET", `${HPA_V2}/bad`)).status).toBe(404);
  });

  it("prints HPAs with upstream's columns through kubectl get hpa", async () => {
    const r = await c.kubectl(["-n", "conv", "get", "hpa"]);
    expect(r.stderr).toBe("");
    const [header, ...rows] = r.stdout.trim().split("\n");
    expect(header!.split(/\s{2,}/)).toEqual(["NAME", "REFERENCE", "TARGETS", "MINPODS", "MAXPODS", "REPLICAS", "AGE"]);
    expect(rows[0]).toMatch(/^api\s+Deployment\/api\s+memory: <unknown>\/500Mi, cpu: <unknown>\/60%\s+2\s+9\s+0\s+\d+s$/);
    expect(rows[1]).toMatch(/^web\s+Deployment\/web\s+cpu: <unknown>\/50%\s+1\s+5\s+0\s+\d+s$/);
    const v1 = await c.kubectl(["-n", "conv", "get", "horizontalpodautoscalers.v1.autoscaling", "web", "-o", "jsonpath={.apiVersion} {.spec.targetCPUUtilizationPercentage}"]);
    expect(v1.stdout).toBe("autoscaling/v1 50");
  });

  it("serves one set of Events as core/v1 and events.k8s.io/v1, with field selectors in each version's names", async () => {
    const watch = c.api("GET", `${EVENTS_V1}?watch=true&timeoutSeconds=3`);
    const legacy = { apiVersion: "v1", kind: "Event", metadata: { name: "legacy.1" }, involvedObject: { kind: "Pod", namespace: "conv", name: "web-1" }, reason: "Started", message: "started the container", source: { component: "kubelet", host: "node-1" }, count: 2, firstTimestamp: "2026-01-01T00:00:00Z", lastTimestamp: "2026-01-01T00:01:00Z", type: "Normal" };
    const apply = await c.kubectl(["create", "-n", "conv", "-f", "-"], { input: JSON.stringify(legacy) });
    expect(apply.stdout).toBe("event/legacy.1 created\n");
    const modern = { apiVersion: "events.k8s.io/v1", kind: "Event", metadata: { name: "modern.1" }, regarding: { kind: "Deployment", namespace: "conv", name: "api" }, note: "scaled up", reason: "ScalingReplicaSet", type: "Normal", eventTime: "2026-01-01T00:02:00.000000Z", reportingController: "deployment-controller", reportingInstance: "kcm-1", action: "Scale" };
    expect((await c.api("POST", EVENTS_V1, JSON.stringify(modern), json)).status).toBe(201);

    const asCore = JSON.parse((await c.api("GET", `${CORE_EVENTS}/modern.1`)).body);
    expect(asCore).toMatchObject({ apiVersion: "v1", kind: "Event", involvedObject: modern.regarding, message: "scaled up", reportingComponent: "deployment-controller", reportingInstance: "kcm-1", action: "Scale", eventTime: modern.eventTime });
    expect(asCore.note).toBeUndefined();
    const asEvents = JSON.parse((await c.api("GET", `${EVENTS_V1}/legacy.1`)).body);
    expect(asEvents).toMatchObject({ apiVersion: "events.k8s.io/v1", regarding: legacy.involvedObject, note: "started the container", deprecatedSource: legacy.source, deprecatedCount: 2, deprecatedFirstTimestamp: legacy.firstTimestamp, deprecatedLastTimestamp: legacy.lastTimestamp });

    const byRegarding = JSON.parse((await c.api("GET", `${EVENTS_V1}?fieldSelector=regarding.name%3Dweb-1`)).body);
    expect(byRegarding.items.map((e: any) => e.metadata.name)).toEqual(["legacy.1"]);
    const byController = JSON.parse((await c.api("GET", `${EVENTS_V1}?fieldSelector=reportingController%3Ddeployment-controller&resourceVersion=0`)).body);
    expect(byController.items.map((e: any) => e.metadata.name)).toEqual(["modern.1"]);
    const byInvolved = JSON.parse((await c.api("GET", `${CORE_EVENTS}?fieldSelector=involvedObject.kind%3DDeployment`)).body);
    expect(byInvolved.items.map((e: any) => e.metadata.name)).toEqual(["modern.1"]);
    const wrongName = await c.api("GET", `${EVENTS_V1}?fieldSelector=involvedObject.name%3Dweb-1`);
    expect(wrongName.status).toBe(400);

    const events = watchEvents((await watch).body);
    expect(events.map((e) => [e.type, e.object.apiVersion, e.object.metadata.name])).toEqual([
      ["ADDED", "events.k8s.io/v1", "legacy.1"],
      ["ADDED", "events.k8s.io/v1", "modern.1"],
    ]);
    expect(events[0].object.note).toBe("started the container");
  });

  it("kubectl get events and get events.v1.events.k8s.io show the same events", async () => {
    const core = await c.kubectl(["-n", "conv", "get", "events"]);
    const grouped = await c.kubectl(["-n", "conv", "get", "events.v1.events.k8s.io"]);
    expect(core.stderr).toBe("");
    expect(grouped.stderr).toBe("");
    for (const out of [core.stdout, grouped.stdout]) {
      const lines = out.trim().split("\n");
      expect(lines[0]!.split(/\s{2,}/)).toEqual(["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]);
      expect(lines.slice(1).map((l) => l.split(/\s{2,}/).slice(1)).sort()).toEqual([
        ["Normal", "ScalingReplicaSet", "deployment/api", "scaled up"],
        ["Normal", "Started", "pod/web-1", "started the container"],
      ]);
    }
    const yaml = parse((await c.kubectl(["-n", "conv", "get", "events.v1.events.k8s.io", "legacy.1", "-o", "yaml"])).stdout);
    expect(yaml).toMatchObject({ apiVersion: "events.k8s.io/v1", note: "started the container", regarding: { name: "web-1" } });
  });

  it("applies events.k8s.io's own validation and stores nothing on failure", async () => {
    const bad = { apiVersion: "events.k8s.io/v1", kind: "Event", metadata: { name: "bad.1" }, regarding: { kind: "Pod", namespace: "conv", name: "x" }, reason: "R", type: "Normal" };
    const r = await c.api("POST", EVENTS_V1, JSON.stringify(bad), json);
    expect(r.status).toBe(422);
    const fields = JSON.parse(r.body).details.causes.map((x: any) => `${x.field}: ${x.message}`);
    expect(fields).toEqual(expect.arrayContaining(["eventTime: Required value"]));
    const withTime = await c.api("POST", EVENTS_V1, JSON.stringify({ ...bad, eventTime: "2026-01-01T00:00:00.000000Z", deprecatedCount: 3 }), json);
    const causes = JSON.parse(withTime.body).details.causes.map((x: any) => x.field);
    expect(withTime.status).toBe(422);
    expect(causes).toEqual(expect.arrayContaining(["reportingController", "reportingInstance", "action", "count"]));
    expect((await c.api("GET", `${CORE_EVENTS}/bad.1`)).status).toBe(404);
    // The same fields are optional through core/v1, as upstream keeps for old clients.
    const core = await c.api("POST", CORE_EVENTS, JSON.stringify({ apiVersion: "v1", kind: "Event", metadata: { name: "old.1" }, involvedObject: { kind: "Pod", namespace: "conv", name: "x" }, reason: "R" }), json);
    expect(core.status).toBe(201);
    const updated = JSON.parse((await c.api("GET", `${EVENTS_V1}/modern.1`)).body);
    updated.note = "changed";
    const immutable = await c.api("PUT", `${EVENTS_V1}/modern.1`, JSON.stringify(updated), json);
    expect(immutable.status).toBe(422);
    expect(immutable.body).toContain("field is immutable");
  });

  it("lets @kubernetes/client-node's typed v1 and v2 clients share one HPA, and read Events in both groups", async () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(c.kubeconfig);
    const v1 = kc.makeApiClient(k8s.AutoscalingV1Api);
    const v2 = kc.makeApiClient(k8s.AutoscalingV2Api);
    await v1.createNamespacedHorizontalPodAutoscaler({ namespace: "conv", body: { metadata: { name: "typed" }, spec: { scaleTargetRef: { kind: "Deployment", name: "typed", apiVersion: "apps/v1" }, maxReplicas: 3, targetCPUUtilizationPercentage: 40 } } });
    const read = await v2.readNamespacedHorizontalPodAutoscaler({ name: "typed", namespace: "conv" });
    expect(read.spec?.metrics?.[0]?.resource?.target.averageUtilization).toBe(40);
    const replaced = await v2.replaceNamespacedHorizontalPodAutoscaler({ name: "typed", namespace: "conv", body: { ...read, spec: { ...read.spec!, maxReplicas: 6 } } });
    expect(replaced.spec?.maxReplicas).toBe(6);
    expect((await v1.readNamespacedHorizontalPodAutoscaler({ name: "typed", namespace: "conv" })).spec?.maxReplicas).toBe(6);
    const events = await kc.makeApiClient(k8s.EventsV1Api).listNamespacedEvent({ namespace: "conv", fieldSelector: "regarding.name=web-1" });
    expect(events.items.map((e) => e.note)).toEqual(["started the container"]);
  });

  it("serves a CRD's versions from one stored object (conversion strategy None)", async () => {
    const crd = {
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name: "widgets.example.com" },
      spec: {
        group: "example.com",
        scope: "Namespaced",
        names: { plural: "widgets", singular: "widget", kind: "Widget" },
        versions: [
          { name: "v1", served: true, storage: true, schema: { openAPIV3Schema: { type: "object", properties: { spec: { type: "object", properties: { size: { type: "integer" } } } } } } },
          { name: "v1beta1", served: true, storage: false, schema: { openAPIV3Schema: { type: "object", properties: { spec: { type: "object", properties: { size: { type: "integer" } } } } } } },
        ],
      },
    };
    expect((await c.api("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", JSON.stringify(crd), json)).status).toBe(201);
    const beta = "/apis/example.com/v1beta1/namespaces/conv/widgets";
    const ga = "/apis/example.com/v1/namespaces/conv/widgets";
    let created = { status: 0, body: "" };
    for (let i = 0; i < 50 && created.status !== 201; i++) {
      created = await c.api("POST", beta, JSON.stringify({ apiVersion: "example.com/v1beta1", kind: "Widget", metadata: { name: "w1" }, spec: { size: 3 } }), json);
      if (created.status !== 201) await new Promise((r) => setTimeout(r, 100));
    }
    expect(created.status).toBe(201);
    expect(JSON.parse(created.body).apiVersion).toBe("example.com/v1beta1");
    const watch = c.api("GET", `${beta}?watch=true&timeoutSeconds=2`);
    const got = JSON.parse((await c.api("GET", `${ga}/w1`)).body);
    expect(got).toMatchObject({ apiVersion: "example.com/v1", kind: "Widget", spec: { size: 3 } });
    got.spec.size = 4;
    expect((await c.api("PUT", `${ga}/w1`, JSON.stringify(got), json)).status).toBe(200);
    const events = watchEvents((await watch).body);
    expect(events.map((e) => [e.type, e.object.apiVersion, e.object.spec.size])).toEqual([
      ["ADDED", "example.com/v1beta1", 3],
      ["MODIFIED", "example.com/v1beta1", 4],
    ]);
    const list = await c.kubectl(["-n", "conv", "get", "widgets.v1beta1.example.com", "-o", "jsonpath={.items[*].apiVersion}"]);
    expect(list.stdout).toBe("example.com/v1beta1");
  });
});
