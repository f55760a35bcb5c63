import type { KubeObj } from "../registry/strategy.js";
import type { GroupVersion, VersionConverter } from "./converter.js";

type Obj = Record<string, any>;

/** Upstream's round-trip annotations on autoscaling/v1 objects: what v1 has no field for. */
export const HPA_ANNOTATIONS = {
  metrics: "autoscaling.alpha.kubernetes.io/metrics",
  currentMetrics: "autoscaling.alpha.kubernetes.io/current-metrics",
  conditions: "autoscaling.alpha.kubernetes.io/conditions",
  behavior: "autoscaling.alpha.kubernetes.io/behavior",
} as const;

/** autoscaling/v1 had an implicit 80% CPU target; upstream makes it explicit when converting. */
export const DEFAULT_CPU_UTILIZATION = 80;

/** A copy without the keys whose value is undefined, so absent fields stay absent. */
function def<T extends Obj>(o: T): T {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

const isCpuUtilization = (m: Obj) => m?.type === "Resource" && m.resource?.name === "cpu" && m.resource.target?.averageUtilization !== undefined;

// The v1 annotations hold metrics in the older flat form (v2beta1's): one target field per kind of target.
function metricSpecToV1(m: Obj): Obj {
  const t = (x: Obj | undefined) => x?.target ?? {};
  switch (m.type) {
    case "Object":
      return def({ type: m.type, object: def({ target: m.object?.describedObject, metricName: m.object?.metric?.name, targetValue: t(m.object).value, selector: m.object?.metric?.selector, averageValue: t(m.object).averageValue }) });
    case "Pods":
      return def({ type: m.type, pods: def({ metricName: m.pods?.metric?.name, targetAverageValue: t(m.pods).averageValue, selector: m.pods?.metric?.selector }) });
    case "Resource":
      return def({ type: m.type, resource: def({ name: m.resource?.name, targetAverageUtilization: t(m.resource).averageUtilization, targetAverageValue: t(m.resource).averageValue }) });
    case "ContainerResource":
      return def({ type: m.type, containerResource: def({ name: m.containerResource?.name, targetAverageUtilization: t(m.containerResource).averageUtilization, targetAverageValue: t(m.containerResource).averageValue, container: m.containerResource?.container }) });
    case "External":
      return def({ type: m.type, external: def({ metricName: m.external?.metric?.name, metricSelector: m.external?.metric?.selector, targetValue: t(m.external).value, targetAverageValue: t(m.external).averageValue }) });
    default:
      return m;
  }
}

const metric = (name: unknown, selector: unknown) => def({ name, selector });

function metricSpecFromV1(m: Obj): Obj {
  switch (m.type) {
    case "Object": {
      const o = m.object ?? {};
      const target = def({ type: o.averageValue === undefined ? "Value" : "AverageValue", value: o.targetValue, averageValue: o.averageValue });
      return { type: m.type, object: def({ describedObject: o.target, metric: metric(o.metricName, o.selector), target }) };
    }
    case "Pods": {
      const p = m.pods ?? {};
      return { type: m.type, pods: { metric: metric(p.metricName, p.selector), target: def({ type: "AverageValue", averageValue: p.targetAverageValue }) } };
    }
    case "Resource":
    case "ContainerResource": {
      const key = m.type === "Resource" ? "resource" : "containerResource";
      const r = m[key] ?? {};
      const target = def({ type: r.targetAverageUtilization === undefined ? "AverageValue" : "Utilization", averageUtilization: r.targetAverageUtilization, averageValue: r.targetAverageValue });
      return { type: m.type, [key]: def({ name: r.name, ...(key === "containerResource" ? { container: r.container } : {}), target }) };
    }
    case "External": {
      const e = m.external ?? {};
      const target = def({ type: e.targetValue === undefined ? "AverageValue" : "Value", value: e.targetValue, averageValue: e.targetAverageValue });
      return { type: m.type, external: { metric: metric(e.metricName, e.metricSelector), target } };
    }
    default:
      return m;
  }
}

function metricStatusToV1(m: Obj): Obj {
  const c = (x: Obj | undefined) => x?.current ?? {};
  switch (m.type) {
    case "Object":
      return def({ type: m.type, object: def({ target: m.object?.describedObject, metricName: m.object?.metric?.name, currentValue: c(m.object).value, selector: m.object?.metric?.selector, averageValue: c(m.object).averageValue }) });
    case "Pods":
      return def({ type: m.type, pods: def({ metricName: m.pods?.metric?.name, currentAverageValue: c(m.pods).averageValue, selector: m.pods?.metric?.selector }) });
    case "Resource":
      return def({ type: m.type, resource: def({ name: m.resource?.name, currentAverageUtilization: c(m.resource).averageUtilization, currentAverageValue: c(m.resource).averageValue }) });
    case "ContainerResource":
      return def({ type: m.type, containerResource: def({ name: m.containerResource?.name, currentAverageUtilization: c(m.containerResource).averageUtilization, currentAverageValue: c(m.containerResource).averageValue, container: m.containerResource?.container }) });
    case "External":
      return def({ type: m.type, external: def({ metricName: m.external?.metric?.name, metricSelector: m.external?.metric?.selector, currentValue: c(m.external).value, currentAverageValue: c(m.external).averageValue }) });
    default:
      return m;
  }
}

function metricStatusFromV1(m: Obj): Obj {
  switch (m.type) {
    case "Object": {
      const o = m.object ?? {};
      return { type: m.type, object: def({ describedObject: o.target, metric: metric(o.metricName, o.selector), current: def({ value: o.currentValue, averageValue: o.averageValue }) }) };
    }
    case "Pods": {
      const p = m.pods ?? {};
      return { type: m.type, pods: { metric: metric(p.metricName, p.selector), current: def({ averageValue: p.currentAverageValue }) } };
    }
    case "Resource":
    case "ContainerResource": {
      const key = m.type === "Resource" ? "resource" : "containerResource";
      const r = m[key] ?? {};
      return { type: m.type, [key]: def({ name: r.name, ...(key === "containerResource" ? { container: r.container } : {}), current: def({ averageValue: r.currentAverageValue, averageUtilization: r.currentAverageUtilization }) }) };
    }
    case "External": {
      const e = m.external ?? {};
      return { type: m.type, external: { metric: metric(e.metricName, e.metricSelector), current: def({ value: e.currentValue, averageValue: e.currentAverageValue }) } };
    }
    default:
      return m;
  }
}

/** Upstream writes the behavior annotation from its internal type, which has Go's field names. */
function recase(v: unknown, f: (k: string) => string): unknown {
  if (Array.isArray(v)) return v.map((x) => recase(x, f));
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [f(k), recase(x, f)]));
  return v;
}
const upper = (k: string) => k.charAt(0).toUpperCase() + k.slice(1);
const lower = (k: string) => k.charAt(0).toLowerCase() + k.slice(1);

function parseAnnotation(annotations: Obj, key: string): unknown {
  const text = annotations[key];
  delete annotations[key];
  if (typeof text !== "string") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    // Upstream refuses the object; a read must not fail, so a garbled annotation is dropped.
    return undefined;
  }
}

/** autoscaling/v2 (storage) to autoscaling/v1. */
export function hpaV2ToV1(obj: KubeObj): KubeObj {
  const { spec = {}, status, ...rest } = structuredClone(obj) as Obj;
  const out: Obj = { ...rest, apiVersion: "autoscaling/v1" };
  const metrics: Obj[] = spec.metrics ?? [];
  const cpuAt = metrics.findIndex(isCpuUtilization);
  const others = metrics.filter((_, i) => i !== cpuAt);
  const extra: Obj = {};
  // Upstream puts the CPU target after the others when converting back; keeping it in the
  // annotation when it was not last keeps the order of the v2 list.
  const keepCpuInPlace = cpuAt !== -1 && cpuAt !== metrics.length - 1;
  const annotated = keepCpuInPlace ? metrics : others;
  if (annotated.length) extra[HPA_ANNOTATIONS.metrics] = JSON.stringify(annotated.map(metricSpecToV1));
  if (status?.currentMetrics?.length) extra[HPA_ANNOTATIONS.currentMetrics] = JSON.stringify(status.currentMetrics.map(metricStatusToV1));
  if (status?.conditions?.length) extra[HPA_ANNOTATIONS.conditions] = JSON.stringify(status.conditions);
  if (spec.behavior) extra[HPA_ANNOTATIONS.behavior] = JSON.stringify(recase(spec.behavior, upper));
  if (Object.keys(extra).length) out.metadata = { ...out.metadata, annotations: { ...(out.metadata?.annotations ?? {}), ...extra } };
  out.spec = def({
    scaleTargetRef: spec.scaleTargetRef,
    minReplicas: spec.minReplicas,
    maxReplicas: spec.maxReplicas,
    targetCPUUtilizationPercentage: cpuAt === -1 ? undefined : metrics[cpuAt]!.resource.target.averageUtilization,
  });
  if (status) {
    let currentCpu: number | undefined;
    for (const m of status.currentMetrics ?? []) {
      if (m?.type === "Resource" && m.resource?.name === "cpu" && m.resource.current?.averageUtilization !== undefined) currentCpu = m.resource.current.averageUtilization;
    }
    out.status = def({
      observedGeneration: status.observedGeneration,
      lastScaleTime: status.lastScaleTime,
      currentReplicas: status.currentReplicas,
      desiredReplicas: status.desiredReplicas,
      currentCPUUtilizationPercentage: currentCpu,
    });
  }
  return out as KubeObj;
}

/** autoscaling/v1 to autoscaling/v2 (storage); the round-trip annotations are consumed. */
export function hpaV1ToV2(obj: KubeObj): KubeObj {
  const { spec = {}, status, ...rest } = structuredClone(obj) as Obj;
  const out: Obj = { ...rest, apiVersion: "autoscaling/v2" };
  const annotations: Obj = out.metadata?.annotations ?? {};
  const hadAnnotations = Object.keys(annotations).length > 0;
  const annotatedMetrics = parseAnnotation(annotations, HPA_ANNOTATIONS.metrics);
  const currentMetrics = parseAnnotation(annotations, HPA_ANNOTATIONS.currentMetrics);
  const conditions = parseAnnotation(annotations, HPA_ANNOTATIONS.conditions);
  const behavior = parseAnnotation(annotations, HPA_ANNOTATIONS.behavior);
  if (out.metadata?.annotations && hadAnnotations && !Object.keys(annotations).length) delete out.metadata.annotations;

  const target = spec.targetCPUUtilizationPercentage;
  const cpu = target === undefined ? undefined : { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: target } } };
  let metrics: Obj[] = Array.isArray(annotatedMetrics) ? annotatedMetrics.map(metricSpecFromV1) : [];
  const inPlace = metrics.findIndex(isCpuUtilization);
  if (inPlace !== -1) metrics = cpu ? metrics.map((m, i) => (i === inPlace ? cpu : m)) : metrics.filter((_, i) => i !== inPlace);
  else if (cpu) metrics.push(cpu);
  if (!metrics.length) metrics = [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: DEFAULT_CPU_UTILIZATION } } }];
  out.spec = def({
    scaleTargetRef: spec.scaleTargetRef,
    minReplicas: spec.minReplicas,
    maxReplicas: spec.maxReplicas,
    metrics,
    behavior: behavior && typeof behavior === "object" ? recase(behavior, lower) : undefined,
  });
  if (status) {
    const fromCpu = status.currentCPUUtilizationPercentage === undefined ? undefined : [{ type: "Resource", resource: { name: "cpu", current: { averageUtilization: status.currentCPUUtilizationPercentage } } }];
    out.status = def({
      observedGeneration: status.observedGeneration,
      lastScaleTime: status.lastScaleTime,
      currentReplicas: status.currentReplicas,
      desiredReplicas: status.desiredReplicas,
      // The annotation knows more than the single CPU figure, as upstream holds.
      currentMetrics: Array.isArray(currentMetrics) ? currentMetrics.map(metricStatusFromV1) : fromCpu,
      conditions: Array.isArray(conditions) ? conditions : undefined,
    });
  }
  return out as KubeObj;
}

const isV1 = (gv: GroupVersion) => gv.group === "autoscaling" && gv.version === "v1";

export const hpaConverter: VersionConverter = {
  storage: { group: "autoscaling", version: "v2", kind: "HorizontalPodAutoscaler", plural: "horizontalpodautoscalers" },
  resources: ["autoscaling/horizontalpodautoscalers"],
  fromStorage: (obj, to) => (isV1(to) ? hpaV2ToV1(obj) : { ...structuredClone(obj), apiVersion: `${to.group}/${to.version}` }),
  toStorage: (obj, from) => (isV1(from) ? hpaV1ToV2(obj) : { ...structuredClone(obj), apiVersion: "autoscaling/v2" }),
};
