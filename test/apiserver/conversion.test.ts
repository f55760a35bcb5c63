import { describe, expect, it } from "vitest";
import { eventFromEventsV1, eventToEventsV1, hpaV1ToV2, hpaV2ToV1, HPA_ANNOTATIONS, ConversionRegistry, builtinConversions } from "../../core/apiserver/conversion/index.js";
import { ResourceCatalog } from "../../core/apiserver/registry/catalog.js";
import { servedFromCrd } from "../../core/apiserver/kinds/crds.js";
import type { KubeObj } from "../../core/apiserver/registry/strategy.js";

const meta = { name: "web", namespace: "default", uid: "u-1", resourceVersion: "7", creationTimestamp: "2026-01-01T00:00:00Z" };

/** A v2 HPA using every kind of metric, behavior, status metrics and conditions. */
const fullV2: KubeObj = {
  apiVersion: "autoscaling/v2",
  kind: "HorizontalPodAutoscaler",
  metadata: { ...meta, labels: { app: "web" }, annotations: { note: "kept" } },
  spec: {
    scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" },
    minReplicas: 2,
    maxReplicas: 10,
    metrics: [
      { type: "Resource", resource: { name: "memory", target: { type: "AverageValue", averageValue: "500Mi" } } },
      { type: "Pods", pods: { metric: { name: "qps", selector: { matchLabels: { a: "b" } } }, target: { type: "AverageValue", averageValue: "10" } } },
      { type: "Object", object: { describedObject: { apiVersion: "v1", kind: "Service", name: "web" }, metric: { name: "hits" }, target: { type: "Value", value: "2k" } } },
      { type: "Object", object: { describedObject: { apiVersion: "v1", kind: "Service", name: "web" }, metric: { name: "per-pod" }, target: { type: "AverageValue", averageValue: "30" } } },
      { type: "External", external: { metric: { name: "queue", selector: { matchLabels: { q: "jobs" } } }, target: { type: "Value", value: "100" } } },
      { type: "External", external: { metric: { name: "lag" }, target: { type: "AverageValue", averageValue: "5" } } },
      { type: "ContainerResource", containerResource: { name: "cpu", container: "app", target: { type: "Utilization", averageUtilization: 60 } } },
      { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } },
    ],
    behavior: {
      scaleDown: { stabilizationWindowSeconds: 300, selectPolicy: "Min", policies: [{ type: "Percent", value: 10, periodSeconds: 60 }] },
      scaleUp: { policies: [{ type: "Pods", value: 4, periodSeconds: 15 }], tolerance: "50m" },
    },
  },
  status: {
    observedGeneration: 3,
    lastScaleTime: "2026-01-01T00:05:00Z",
    currentReplicas: 3,
    desiredReplicas: 4,
    currentMetrics: [
      { type: "Resource", resource: { name: "memory", current: { averageValue: "400Mi", averageUtilization: 40 } } },
      { type: "Pods", pods: { metric: { name: "qps" }, current: { averageValue: "9" } } },
      { type: "Resource", resource: { name: "cpu", current: { averageValue: "120m", averageUtilization: 65 } } },
    ],
    conditions: [{ type: "AbleToScale", status: "True", lastTransitionTime: "2026-01-01T00:00:10Z", reason: "ReadyForNewScale", message: "ok" }],
  },
};

describe("HorizontalPodAutoscaler v1 <-> v2", () => {
  it("maps the CPU target and current utilization to v1's own fields", () => {
    const v1 = hpaV2ToV1(fullV2);
    expect(v1.apiVersion).toBe("autoscaling/v1");
    expect(v1.spec).toEqual({ scaleTargetRef: fullV2.spec.scaleTargetRef, minReplicas: 2, maxReplicas: 10, targetCPUUtilizationPercentage: 70 });
    expect(v1.status).toEqual({ observedGeneration: 3, lastScaleTime: "2026-01-01T00:05:00Z", currentReplicas: 3, desiredReplicas: 4, currentCPUUtilizationPercentage: 65 });
    expect(v1.metadata.annotations.note).toBe("kept");
    expect(v1.metadata.labels).toEqual({ app: "web" });
  });

  it("keeps what v1 cannot say in upstream's annotations, in upstream's older metric form", () => {
    const a = hpaV2ToV1(fullV2).metadata.annotations;
    const metrics = JSON.parse(a[HPA_ANNOTATIONS.metrics]);
    // The CPU target was last, so it lives in targetCPUUtilizationPercentage alone, as upstream writes.
    expect(metrics).toHaveLength(7);
    expect(metrics[0]).toEqual({ type: "Resource", resource: { name: "memory", targetAverageValue: "500Mi" } });
    expect(metrics[1]).toEqual({ type: "Pods", pods: { metricName: "qps", targetAverageValue: "10", selector: { matchLabels: { a: "b" } } } });
    expect(metrics[2]).toEqual({ type: "Object", object: { target: { apiVersion: "v1", kind: "Service", name: "web" }, metricName: "hits", targetValue: "2k" } });
    expect(metrics[4]).toEqual({ type: "External", external: { metricName: "queue", metricSelector: { matchLabels: { q: "jobs" } }, targetValue: "100" } });
    expect(JSON.parse(a[HPA_ANNOTATIONS.currentMetrics])[2]).toEqual({ type: "Resource", resource: { name: "cpu", currentAverageUtilization: 65, currentAverageValue: "120m" } });
    expect(JSON.parse(a[HPA_ANNOTATIONS.conditions])).toEqual(fullV2.status.conditions);
    // Upstream marshals its internal behavior type, whose JSON keys are Go's field names.
    expect(JSON.parse(a[HPA_ANNOTATIONS.behavior]).ScaleDown).toEqual({ StabilizationWindowSeconds: 300, SelectPolicy: "Min", Policies: [{ Type: "Percent", Value: 10, PeriodSeconds: 60 }] });
  });

  it("v2 -> v1 -> v2 gives back the same object", () => {
    expect(hpaV1ToV2(hpaV2ToV1(fullV2))).toEqual(fullV2);
  });

  it("keeps the position of a CPU target that was not last", () => {
    const v2 = structuredClone(fullV2);
    v2.spec.metrics.unshift(v2.spec.metrics.pop());
    const v1 = hpaV2ToV1(v2);
    expect(v1.spec.targetCPUUtilizationPercentage).toBe(70);
    expect(hpaV1ToV2(v1)).toEqual(v2);
    // A v1 client changing the target changes that metric, wherever it sits.
    v1.spec.targetCPUUtilizationPercentage = 55;
    expect(hpaV1ToV2(v1).spec.metrics[0].resource.target.averageUtilization).toBe(55);
  });

  it("v1 -> v2 -> v1 gives back the same object, annotations included", () => {
    const v1 = hpaV2ToV1(fullV2);
    expect(hpaV2ToV1(hpaV1ToV2(v1))).toEqual(v1);
    const plain: KubeObj = { apiVersion: "autoscaling/v1", kind: "HorizontalPodAutoscaler", metadata: { ...meta }, spec: { scaleTargetRef: { kind: "Deployment", name: "web", apiVersion: "apps/v1" }, minReplicas: 1, maxReplicas: 5, targetCPUUtilizationPercentage: 50 }, status: { currentReplicas: 1, desiredReplicas: 1, currentCPUUtilizationPercentage: 20 } };
    const v2 = hpaV1ToV2(plain);
    expect(v2.spec.metrics).toEqual([{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 50 } } }]);
    expect(v2.status.currentMetrics).toEqual([{ type: "Resource", resource: { name: "cpu", current: { averageUtilization: 20 } } }]);
    expect(v2.metadata.annotations).toBeUndefined();
    expect(hpaV2ToV1(v2)).toEqual({ ...plain, metadata: { ...meta, annotations: { [HPA_ANNOTATIONS.currentMetrics]: JSON.stringify([{ type: "Resource", resource: { name: "cpu", currentAverageUtilization: 20 } }]) } } });
  });

  it("applies v1's implicit 80% CPU target when there is no metric at all", () => {
    const v2 = hpaV1ToV2({ apiVersion: "autoscaling/v1", kind: "HorizontalPodAutoscaler", metadata: { name: "x" }, spec: { scaleTargetRef: { kind: "Deployment", name: "x" }, maxReplicas: 3 } });
    expect(v2.spec.metrics).toEqual([{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 80 } } }]);
  });

  it("drops a removed CPU target and a garbled annotation instead of failing the read", () => {
    const v1 = hpaV2ToV1(fullV2);
    delete v1.spec.targetCPUUtilizationPercentage;
    v1.metadata.annotations[HPA_ANNOTATIONS.conditions] = "{not json";
    const v2 = hpaV1ToV2(v1);
    expect(v2.spec.metrics.some((m: any) => m.type === "Resource" && m.resource.name === "cpu")).toBe(false);
    expect(v2.status.conditions).toBeUndefined();
    expect(v2.metadata.annotations).toEqual({ note: "kept" });
  });

  it("does not change its input", () => {
    const before = structuredClone(fullV2);
    hpaV2ToV1(fullV2);
    expect(fullV2).toEqual(before);
  });
});

const coreEvent: KubeObj = {
  apiVersion: "v1",
  kind: "Event",
  metadata: { ...meta, name: "web.1" },
  involvedObject: { kind: "Pod", namespace: "default", name: "web-1", uid: "p-1", apiVersion: "v1", fieldPath: "spec.containers{app}" },
  reason: "Pulled",
  message: "pulled the image",
  source: { component: "kubelet", host: "node-1" },
  firstTimestamp: "2026-01-01T00:00:00Z",
  lastTimestamp: "2026-01-01T00:01:00Z",
  count: 3,
  type: "Normal",
  eventTime: "2026-01-01T00:00:00.000001Z",
  series: { count: 3, lastObservedTime: "2026-01-01T00:01:00.000000Z" },
  action: "Pulling",
  related: { kind: "Node", name: "node-1" },
  reportingComponent: "kubelet",
  reportingInstance: "node-1",
};

describe("Event core/v1 <-> events.k8s.io/v1", () => {
  it("renames the fields upstream renames and keeps the rest", () => {
    const e = eventToEventsV1(coreEvent);
    expect(e).toEqual({
      apiVersion: "events.k8s.io/v1",
      kind: "Event",
      metadata: coreEvent.metadata,
      regarding: coreEvent.involvedObject,
      reason: "Pulled",
      note: "pulled the image",
      deprecatedSource: { component: "kubelet", host: "node-1" },
      deprecatedFirstTimestamp: "2026-01-01T00:00:00Z",
      deprecatedLastTimestamp: "2026-01-01T00:01:00Z",
      deprecatedCount: 3,
      type: "Normal",
      eventTime: coreEvent.eventTime,
      series: coreEvent.series,
      action: "Pulling",
      related: coreEvent.related,
      reportingController: "kubelet",
      reportingInstance: "node-1",
    });
  });

  it("round-trips both ways without loss", () => {
    expect(eventFromEventsV1(eventToEventsV1(coreEvent))).toEqual(coreEvent);
    const e = eventToEventsV1(coreEvent);
    expect(eventToEventsV1(eventFromEventsV1(e))).toEqual(e);
  });
});

describe("the conversion registry", () => {
  const catalog = new ResourceCatalog();
  const registry = builtinConversions();

  it("stores every version of a converted resource under the storage form's prefix", () => {
    expect(catalog.get("autoscaling", "v1", "horizontalpodautoscalers")!.prefix).toBe(catalog.get("autoscaling", "v2", "horizontalpodautoscalers")!.prefix);
    expect(catalog.get("events.k8s.io", "v1", "events")!.prefix).toBe("/registry/events/");
    expect(registry.codecFor(catalog.get("autoscaling", "v2", "horizontalpodautoscalers")!)).toBeUndefined();
    expect(registry.codecFor(catalog.get("", "v1", "pods")!)).toBeUndefined();
  });

  it("gives a non-storage version a codec that converts both ways", () => {
    const codec = registry.codecFor(catalog.get("events.k8s.io", "v1", "events")!)!;
    expect(codec.storageApiVersion).toBe("v1");
    expect(codec.fromStorage(coreEvent).note).toBe("pulled the image");
    expect(codec.toStorage(codec.fromStorage(coreEvent))).toEqual(coreEvent);
  });

  it("serves a CRD's versions from its storage version with only apiVersion changed", () => {
    const crd = {
      metadata: { name: "widgets.example.com" },
      spec: {
        group: "example.com",
        scope: "Namespaced",
        names: { plural: "widgets", kind: "Widget" },
        versions: [
          { name: "v1", served: true, storage: true, schema: { openAPIV3Schema: { type: "object" } } },
          { name: "v1beta1", served: true, storage: false, schema: { openAPIV3Schema: { type: "object" } } },
        ],
      },
    } as unknown as KubeObj;
    const [v1, beta] = servedFromCrd(crd);
    expect(v1!.storedAs).toBeUndefined();
    expect(beta!.storedAs).toEqual({ group: "example.com", version: "v1", kind: "Widget" });
    expect(beta!.prefix).toBe(v1!.prefix);
    const codec = new ConversionRegistry([]).codecFor(beta!)!;
    expect(codec.storageApiVersion).toBe("example.com/v1");
    const obj = { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" }, spec: { size: 1 } } as KubeObj;
    expect(codec.fromStorage(obj)).toEqual(obj);
  });
});
