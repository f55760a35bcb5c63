import { milliValue, wholeValue } from "../api/quantity.js";
import type { Container, Pod, ResourceList } from "./api-types.js";

/** Amounts by resource name: cpu in millicores, memory and storage in bytes, the rest in units. */
export type Resources = Record<string, number>;

/** Requests assumed for scoring when a container names none, as upstream's non-zero defaults. */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

export function toResources(list: ResourceList | undefined): Resources {
  const out: Resources = {};
  for (const [name, q] of Object.entries(list ?? {})) out[name] = name === "cpu" ? milliValue(q) : wholeValue(q);
  return out;
}

export function addInto(into: Resources, r: Resources, sign = 1): Resources {
  for (const k in r) into[k] = (into[k] ?? 0) + sign * r[k]!;
  return into;
}

function maxInto(into: Resources, r: Resources): void {
  for (const k in r) if ((into[k] ?? 0) < r[k]!) into[k] = r[k]!;
}

const isSidecar = (c: Container) => c.restartPolicy === "Always";

function containerRequests(c: Container, nonZero: boolean): Resources {
  const r = toResources(c.resources?.requests);
  if (nonZero) {
    r.cpu ||= DEFAULT_MILLI_CPU_REQUEST;
    r.memory ||= DEFAULT_MEMORY_REQUEST;
  }
  return r;
}

/**
 * What a pod asks of a node, as upstream's resource helper counts it: the sum of its
 * containers and sidecars (restartable init containers), or the largest init
 * container step together with the sidecars started before it if that is more,
 * plus the RuntimeClass overhead. `nonZero` gives cpu and memory the scoring
 * defaults where a container names none.
 */
export function podRequests(pod: Pod, nonZero = false): Resources {
  const reqs: Resources = {};
  for (const c of pod.spec.containers) addInto(reqs, containerRequests(c, nonZero));
  const sidecars: Resources = {};
  const initPeak: Resources = {};
  for (const c of pod.spec.initContainers ?? []) {
    const own = containerRequests(c, nonZero && isSidecar(c));
    if (isSidecar(c)) {
      addInto(sidecars, own);
      maxInto(initPeak, sidecars);
    } else {
      maxInto(initPeak, addInto({ ...own }, sidecars));
    }
  }
  addInto(reqs, sidecars);
  maxInto(reqs, initPeak);
  if (pod.spec.overhead) addInto(reqs, toResources(pod.spec.overhead));
  return reqs;
}
