import { milliValue, wholeValue } from "../api/quantity.js";
import type { Container, Pod, ResourceList } from "./types.js";

/** Resource amounts by name; `cpu` in millicores, everything else in whole units. */
export type Resources = Record<string, number>;

/** Upstream's defaults for containers that request nothing, used only for scoring spread. */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

export function toResources(list: ResourceList | undefined): Resources {
  const out: Resources = {};
  for (const [name, q] of Object.entries(list ?? {})) out[name] = name === "cpu" ? milliValue(q) : wholeValue(q);
  return out;
}

export function addInto(target: Resources, add: Resources, sign = 1): Resources {
  for (const [k, v] of Object.entries(add)) target[k] = (target[k] ?? 0) + sign * v;
  return target;
}

function maxInto(target: Resources, other: Resources): void {
  for (const [k, v] of Object.entries(other)) if (v > (target[k] ?? 0)) target[k] = v;
}

const isSidecar = (c: Container) => c.restartPolicy === "Always";

function containerRequests(c: Container, nonZero: boolean): Resources {
  const r = toResources(c.resources?.requests);
  if (nonZero) {
    r.cpu ??= DEFAULT_MILLI_CPU_REQUEST;
    r.memory ??= DEFAULT_MEMORY_REQUEST;
  }
  return r;
}

/**
 * What a pod asks of a node, as upstream's PodRequests computes it: the app
 * containers plus every sidecar (restartable init container), or the largest
 * init-time peak if higher (a regular init container runs beside the sidecars
 * started before it), plus the RuntimeClass overhead. `nonZero` substitutes the
 * scoring defaults for containers that request no cpu or memory.
 */
export function podRequests(pod: Pod, nonZero = false): Resources {
  const running: Resources = {};
  for (const c of pod.spec.containers ?? []) addInto(running, containerRequests(c, nonZero));
  const sidecars: Resources = {};
  const initPeak: Resources = {};
  for (const c of pod.spec.initContainers ?? []) {
    const r = containerRequests(c, nonZero);
    if (isSidecar(c)) {
      addInto(sidecars, r);
      maxInto(initPeak, { ...sidecars });
    } else {
      maxInto(initPeak, addInto({ ...sidecars }, r));
    }
  }
  const total = addInto(running, sidecars);
  maxInto(total, initPeak);
  return addInto(total, toResources(pod.spec.overhead));
}
