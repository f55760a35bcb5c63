import type { Pod } from "../../../../core/controller-manager/index.js";

export interface Taint {
  key: string;
  value?: string;
  effect: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
  timeAdded?: string;
}

export type Toleration = NonNullable<NonNullable<Pod["spec"]>["tolerations"]>[number];

export const NOT_READY = "node.kubernetes.io/not-ready";
export const UNREACHABLE = "node.kubernetes.io/unreachable";

/** The condition-driven NoSchedule taints upstream's TaintNodesByCondition keeps (and unschedulable). */
export const CONDITION_TAINTS: Record<string, Record<string, string>> = {
  Ready: { False: NOT_READY, Unknown: UNREACHABLE },
  MemoryPressure: { True: "node.kubernetes.io/memory-pressure" },
  DiskPressure: { True: "node.kubernetes.io/disk-pressure" },
  NetworkUnavailable: { True: "node.kubernetes.io/network-unavailable" },
  PIDPressure: { True: "node.kubernetes.io/pid-pressure" },
};
export const UNSCHEDULABLE = "node.kubernetes.io/unschedulable";

/** Every key this controller owns, under the effect it owns it with. */
export function ownedBy(t: Taint): boolean {
  if (t.effect === "NoExecute") return t.key === NOT_READY || t.key === UNREACHABLE;
  if (t.effect === "NoSchedule") return t.key === UNSCHEDULABLE || Object.values(CONDITION_TAINTS).some((m) => Object.values(m).includes(t.key));
  return false;
}

/** core/v1 Toleration.ToleratesTaint. */
export function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  if (!t.key && t.operator !== "Exists") return false;
  if ((t.operator ?? "Equal") === "Exists") return true;
  return (t.value ?? "") === (taint.value ?? "");
}

/**
 * How long a pod may stay on a node with these NoExecute taints: 0 if one of them is not
 * tolerated, else the least tolerationSeconds of the tolerations matching them (negative counts
 * as 0), Infinity if none of those says.
 */
export function tolerationWindowMs(tolerations: Toleration[], taints: Taint[]): number {
  let min = Infinity;
  for (const taint of taints) {
    const matching = tolerations.filter((t) => tolerates(t, taint));
    if (!matching.length) return 0;
    for (const t of matching) if (t.tolerationSeconds !== undefined && t.tolerationSeconds !== null) min = Math.min(min, Math.max(0, t.tolerationSeconds) * 1000);
  }
  return min;
}
