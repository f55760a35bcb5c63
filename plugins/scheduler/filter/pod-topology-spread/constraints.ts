import { compileSelector, podMatchesNodeSelectorAndAffinity, findUntoleratedTaint, withLabelKeys, type Node, type Pod, type TopologySpreadConstraint } from "../../../../core/scheduler/index.js";
import type { Selector } from "../../../../core/api/labels.js";

/** A constraint ready to evaluate: its selector compiled with matchLabelKeys folded in. */
export interface Constraint {
  maxSkew: number;
  topologyKey: string;
  minDomains: number;
  selector: Selector;
  nodeAffinityPolicy: "Honor" | "Ignore";
  nodeTaintsPolicy: "Honor" | "Ignore";
}

export const SYSTEM_DEFAULT_CONSTRAINTS: TopologySpreadConstraint[] = [
  { maxSkew: 3, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "ScheduleAnyway" },
  { maxSkew: 5, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway" },
];

export function compileConstraints(pod: Pod, list: readonly TopologySpreadConstraint[], when: "DoNotSchedule" | "ScheduleAnyway"): Constraint[] {
  return list
    .filter((c) => c.whenUnsatisfiable === when)
    .map((c) => ({
      maxSkew: c.maxSkew,
      topologyKey: c.topologyKey,
      minDomains: c.minDomains ?? 1,
      selector: compileSelector(withLabelKeys(c.labelSelector, pod.metadata.labels ?? {}, c.matchLabelKeys)),
      nodeAffinityPolicy: c.nodeAffinityPolicy ?? "Honor",
      nodeTaintsPolicy: c.nodeTaintsPolicy ?? "Ignore",
    }));
}

/** Whether a node counts for spreading: it carries every key and passes the inclusion policies. */
export function nodeCounts(pod: Pod, node: Node, constraints: readonly Constraint[]): boolean {
  const labels = node.metadata.labels ?? {};
  for (const c of constraints) {
    if (!(c.topologyKey in labels)) return false;
    if (c.nodeAffinityPolicy === "Honor" && !podMatchesNodeSelectorAndAffinity(pod, node)) return false;
    if (c.nodeTaintsPolicy === "Honor" && findUntoleratedTaint(node.spec?.taints ?? [], pod.spec.tolerations ?? [], (t) => t.effect === "NoSchedule" || t.effect === "NoExecute")) return false;
  }
  return true;
}

/** Pods in the same namespace, not terminating, that the selector matches. */
export function countMatching(pods: readonly { pod: Pod }[], namespace: string, selector: Selector): number {
  let n = 0;
  for (const { pod } of pods) {
    if ((pod.metadata.namespace ?? "default") !== namespace || pod.metadata.deletionTimestamp) continue;
    if (selector.matches(pod.metadata.labels ?? {})) n++;
  }
  return n;
}
