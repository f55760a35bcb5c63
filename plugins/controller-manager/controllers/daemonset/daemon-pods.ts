import { findUntoleratedTaint, podMatchesNodeSelectorAndAffinity, type Node, type Pod, type Taint, type Toleration } from "../../../../core/scheduler/index.js";
import { controllerRefTo, type PodLike } from "../../../../core/controller-manager/index.js";
import type { KubeObject } from "../../../../core/client/index.js";

export interface DaemonSet extends KubeObject {
  spec: {
    selector?: { matchLabels?: Record<string, string> };
    template: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec: Record<string, unknown> & { tolerations?: Toleration[]; hostNetwork?: boolean } };
    updateStrategy?: { type?: "RollingUpdate" | "OnDelete"; rollingUpdate?: { maxUnavailable?: number | string; maxSurge?: number | string } };
    minReadySeconds?: number;
    revisionHistoryLimit?: number;
  };
  status?: Record<string, unknown>;
}

/**
 * Tolerations upstream adds to every daemon pod, so that daemons stay on nodes that are not
 * ready, unreachable, under pressure or cordoned (and, for host-network pods, without a network).
 */
export function daemonTolerations(hostNetwork: boolean): Toleration[] {
  const t: Toleration[] = [
    { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute" },
    { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute" },
    { key: "node.kubernetes.io/disk-pressure", operator: "Exists", effect: "NoSchedule" },
    { key: "node.kubernetes.io/memory-pressure", operator: "Exists", effect: "NoSchedule" },
    { key: "node.kubernetes.io/pid-pressure", operator: "Exists", effect: "NoSchedule" },
    { key: "node.kubernetes.io/unschedulable", operator: "Exists", effect: "NoSchedule" },
  ];
  if (hostNetwork) t.push({ key: "node.kubernetes.io/network-unavailable", operator: "Exists", effect: "NoSchedule" });
  return t;
}

function withTolerations(existing: Toleration[] | undefined, extra: Toleration[]): Toleration[] {
  const out = [...(existing ?? [])];
  for (const t of extra) if (!out.some((o) => o.key === t.key && o.effect === t.effect && (o.operator ?? "Equal") === t.operator)) out.push(t);
  return out;
}

/** The daemon pod for `node`: the template, the daemon tolerations, and required affinity to exactly that node. */
export function podForNode(ds: DaemonSet, node: string, hash: string, generation: number): PodLike {
  const spec = structuredClone(ds.spec.template.spec) as Record<string, any>;
  spec.tolerations = withTolerations(spec.tolerations, daemonTolerations(!!spec.hostNetwork));
  const byName = { matchFields: [{ key: "metadata.name", operator: "In", values: [node] }] };
  const affinity = (spec.affinity ??= {});
  const na = (affinity.nodeAffinity ??= {});
  const terms: Record<string, unknown>[] = na.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  // Upstream replaces any matchFields on metadata.name in each term, keeping the rest of the term.
  na.requiredDuringSchedulingIgnoredDuringExecution = {
    nodeSelectorTerms: terms.length ? terms.map((t) => ({ ...t, matchFields: byName.matchFields })) : [byName],
  };
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      generateName: `${ds.metadata.name}-`,
      namespace: ds.metadata.namespace!,
      labels: { ...ds.spec.template.metadata?.labels, "controller-revision-hash": hash, "pod-template-generation": String(generation) },
      ...(ds.spec.template.metadata?.annotations ? { annotations: { ...ds.spec.template.metadata.annotations } } : {}),
      ownerReferences: [controllerRefTo(ds, "apps/v1", "DaemonSet")],
    },
    spec,
  };
}

/** The node a daemon pod is for: where it is bound, or the node its affinity names. */
export function nodeOfPod(pod: PodLike): string | undefined {
  if (pod.spec?.nodeName) return pod.spec.nodeName;
  const terms = (pod.spec as any)?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  for (const t of terms) for (const f of t.matchFields ?? []) if (f.key === "metadata.name" && f.operator === "In" && f.values?.length === 1) return f.values[0];
  return undefined;
}

/**
 * Upstream's NodeShouldRunDaemonPod: whether a daemon pod should be placed on `node`
 * (nodeSelector, required node affinity, NoSchedule and NoExecute taints) and whether one already
 * there may stay (only NoExecute taints evict).
 */
export function shouldRun(ds: DaemonSet, node: Node): { run: boolean; keep: boolean } {
  const pod = podForNode(ds, node.metadata.name!, "", 0) as unknown as Pod;
  if (!podMatchesNodeSelectorAndAffinity(pod, node)) return { run: false, keep: false };
  const taints: Taint[] = (node.spec as { taints?: Taint[] } | undefined)?.taints ?? [];
  const tolerations = (pod.spec.tolerations ?? []) as Toleration[];
  if (findUntoleratedTaint(taints, tolerations, (t) => t.effect === "NoExecute")) return { run: false, keep: false };
  if (findUntoleratedTaint(taints, tolerations, (t) => t.effect === "NoSchedule")) return { run: false, keep: true };
  return { run: true, keep: true };
}
