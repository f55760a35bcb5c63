import { parseQuantity } from "./quantity.js";

/**
 * What one object counts against a ResourceQuota (upstream's quota evaluators), shared by
 * ResourceQuota admission (charging a new object) and the quota controller (summing a
 * namespace). Values are in base units: cores, bytes, counts.
 */
export type Usage = Record<string, number>;
type Obj = Record<string, any>;

/** Resources counted under their legacy names as well as `count/…`. */
const LEGACY_COUNTS: Record<string, string> = {
  pods: "pods",
  services: "services",
  replicationcontrollers: "replicationcontrollers",
  resourcequotas: "resourcequotas",
  secrets: "secrets",
  configmaps: "configmaps",
  persistentvolumeclaims: "persistentvolumeclaims",
};

export function countKey(group: string, resource: string): string {
  return group ? `count/${resource}.${group}` : `count/${resource}`;
}

/** Whether a pod still holds its quota: not finished, not past its deletion grace. */
export function podCounts(pod: Obj): boolean {
  const phase = pod.status?.phase;
  if (phase === "Succeeded" || phase === "Failed") return false;
  if (pod.metadata?.deletionTimestamp && pod.metadata.deletionGracePeriodSeconds !== undefined) {
    const end = Date.parse(pod.metadata.deletionTimestamp) + pod.metadata.deletionGracePeriodSeconds * 1000;
    if (end < Date.now()) return false;
  }
  return true;
}

/** A pod's effective requests or limits: the sum over containers, or the largest init container if that is more, plus overhead. */
export function podResources(spec: Obj, field: "requests" | "limits"): Usage {
  const total: Usage = {};
  for (const c of spec.containers ?? []) for (const [r, v] of Object.entries(c.resources?.[field] ?? {})) total[r] = (total[r] ?? 0) + parseQuantity(v as string);
  for (const c of spec.initContainers ?? []) {
    for (const [r, v] of Object.entries(c.resources?.[field] ?? {})) total[r] = Math.max(total[r] ?? 0, parseQuantity(v as string));
  }
  for (const [r, v] of Object.entries(spec.overhead ?? {})) total[r] = (total[r] ?? 0) + parseQuantity(v as string);
  return total;
}

export function usageOf(group: string, resource: string, obj: Obj): Usage {
  const u: Usage = { [countKey(group, resource)]: 1 };
  if (group === "" && LEGACY_COUNTS[resource]) u[LEGACY_COUNTS[resource]] = 1;
  if (group !== "") return u;
  if (resource === "pods") {
    if (!podCounts(obj)) return {};
    const requests = podResources(obj.spec ?? {}, "requests");
    const limits = podResources(obj.spec ?? {}, "limits");
    for (const [r, v] of Object.entries(requests)) {
      u[`requests.${r}`] = v;
      if (r === "cpu" || r === "memory" || r === "ephemeral-storage") u[r] = v;
    }
    for (const [r, v] of Object.entries(limits)) u[`limits.${r}`] = v;
  } else if (resource === "services") {
    const type = obj.spec?.type;
    if (type === "LoadBalancer") u["services.loadbalancers"] = 1;
    if (type === "NodePort" || type === "LoadBalancer") u["services.nodeports"] = (obj.spec?.ports ?? []).length;
  } else if (resource === "persistentvolumeclaims") {
    const storage = obj.spec?.resources?.requests?.storage;
    if (storage !== undefined) u["requests.storage"] = parseQuantity(storage);
    const cls = obj.spec?.storageClassName;
    if (cls) {
      u[`${cls}.storageclass.storage.k8s.io/persistentvolumeclaims`] = 1;
      if (storage !== undefined) u[`${cls}.storageclass.storage.k8s.io/requests.storage`] = parseQuantity(storage);
    }
  }
  return u;
}

const BINARY_SUFFIXES: [string, number][] = [["Ei", 2 ** 60], ["Pi", 2 ** 50], ["Ti", 2 ** 40], ["Gi", 2 ** 30], ["Mi", 2 ** 20], ["Ki", 2 ** 10]];

/**
 * A quantity in upstream's canonical text for the usual cases: bytes (memory, storage) with
 * the largest binary suffix that divides them, whole units, else milli-units.
 */
export function formatQuantity(key: string, v: number): string {
  if (/memory|storage/.test(key) && Number.isInteger(v) && v > 0) {
    const exact = BINARY_SUFFIXES.find(([, n]) => v % n === 0);
    if (exact) return `${v / exact[1]}${exact[0]}`;
  }
  if (Number.isInteger(v)) return String(v);
  const milli = Math.round(v * 1000);
  return `${milli}m`;
}
