import {
  Status,
  podRequests,
  requestedWithPod,
  type ClusterEventWithHint,
  type CycleState,
  type EnqueueExtensions,
  type FilterPlugin,
  type NodeInfo,
  type Pod,
  type PreFilterPlugin,
  type PreScorePlugin,
  type Resources,
  type ScorePlugin,
  type StateData,
} from "../../../../core/scheduler/index.js";
import type { NodeResourcesFitArgs } from "../../../../schemas/generated/plugins/scheduler/node-resources-fit.args.js";
import { leastAllocated, mostAllocated, requestedToCapacityRatio, type Scorer } from "./scoring.js";

const PRE_FILTER_KEY = "PreFilterNodeResourcesFit";
const PRE_SCORE_KEY = "PreScoreNodeResourcesFit";
const NATIVE = new Set(["cpu", "memory", "ephemeral-storage", "pods"]);

class PodResources implements StateData {
  constructor(
    readonly requests: Resources,
    readonly nonZero: Resources,
    /** The requests the filter checks, in upstream's order, with their reasons. */
    readonly wanted: readonly { name: string; amount: number; reason: string }[] = [],
  ) {}
  clone(): StateData {
    return this;
  }
}

/** One resource the node lacks; unresolvable when even an empty node could not hold the pod. */
export interface InsufficientResource {
  resource: string;
  reason: string;
  requested: number;
  used: number;
  capacity: number;
  unresolvable: boolean;
}

export class NodeResourcesFit implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin, EnqueueExtensions {
  private readonly ignored: Set<string>;
  private readonly ignoredGroups: Set<string>;
  private readonly resources: { name: string; weight: number }[];
  private readonly scorer: Scorer;

  constructor(args: NodeResourcesFitArgs) {
    this.ignored = new Set(args.ignoredResources ?? []);
    this.ignoredGroups = new Set(args.ignoredResourceGroups ?? []);
    const strategy = args.scoringStrategy ?? {};
    this.resources = (strategy.resources ?? [
      { name: "cpu", weight: 1 },
      { name: "memory", weight: 1 },
    ]).map((r) => ({ name: r.name, weight: r.weight ?? 1 }));
    this.scorer =
      strategy.type === "MostAllocated" ? mostAllocated : strategy.type === "RequestedToCapacityRatio" ? requestedToCapacityRatio(strategy.requestedToCapacityRatio?.shape ?? [{ utilization: 0, score: 10 }, { utilization: 100, score: 0 }]) : leastAllocated;
  }

  preFilter(state: CycleState, pod: Pod): Status {
    state.write(PRE_FILTER_KEY, this.podResources(pod));
    return Status.success();
  }

  filter(state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status {
    const pr = state.read<PodResources>(PRE_FILTER_KEY) ?? this.podResources(pod);
    const lacking = this.insufficientResources(pr.wanted, nodeInfo);
    if (!lacking) return Status.success();
    const reasons = lacking.map((l) => l.reason);
    return lacking.some((l) => l.unresolvable) ? Status.unresolvable(...reasons) : Status.unschedulable(...reasons);
  }

  /** The requests to check, in upstream's fitsRequest order: cpu, memory, ephemeral storage, then extended resources not ignored. */
  private podResources(pod: Pod): PodResources {
    const requests = podRequests(pod);
    const wanted: { name: string; amount: number; reason: string }[] = [];
    for (const name of ["cpu", "memory", "ephemeral-storage"]) if ((requests[name] ?? 0) > 0) wanted.push({ name, amount: requests[name]!, reason: `Insufficient ${name}` });
    for (const [name, amount] of Object.entries(requests)) {
      if (NATIVE.has(name) || this.ignored.has(name) || amount <= 0) continue;
      const slash = name.indexOf("/");
      if (slash > 0 && this.ignoredGroups.has(name.slice(0, slash))) continue;
      wanted.push({ name, amount, reason: `Insufficient ${name}` });
    }
    return new PodResources(requests, podRequests(pod, true), wanted);
  }

  /** What the node lacks, pod count first; undefined when the pod fits. Allocates only on failure. */
  insufficientResources(wanted: PodResources["wanted"], nodeInfo: NodeInfo): InsufficientResource[] | undefined {
    let out: InsufficientResource[] | undefined;
    const alloc = nodeInfo.allocatable;
    const allowedPods = alloc.pods ?? 0;
    if (nodeInfo.pods.length + 1 > allowedPods) {
      (out ??= []).push({ resource: "pods", reason: "Too many pods", requested: 1, used: nodeInfo.pods.length, capacity: allowedPods, unresolvable: false });
    }
    for (const w of wanted) {
      const cap = alloc[w.name] ?? 0;
      const used = nodeInfo.requested[w.name] ?? 0;
      if (w.amount > cap - used) (out ??= []).push({ resource: w.name, reason: w.reason, requested: w.amount, used, capacity: cap, unresolvable: w.amount > cap });
    }
    return out;
  }

  preScore(state: CycleState, pod: Pod): Status {
    state.write(PRE_SCORE_KEY, new PodResources(podRequests(pod), podRequests(pod, true)));
    return Status.success();
  }

  /** The strategy's score per resource, averaged by weight over resources the node has. */
  score(state: CycleState, pod: Pod, nodeInfo: NodeInfo): number {
    const pr = state.read<PodResources>(PRE_SCORE_KEY) ?? new PodResources(podRequests(pod), podRequests(pod, true));
    let sum = 0;
    let weights = 0;
    for (const r of this.resources) {
      const allocatable = nodeInfo.allocatable[r.name] ?? 0;
      const requested = requestedWithPod(nodeInfo, pr.requests, pr.nonZero, r.name);
      if (allocatable === 0) continue;
      sum += this.scorer(requested, allocatable) * r.weight;
      weights += r.weight;
    }
    return weights ? Math.trunc(sum / weights) : 0;
  }

  eventsToRegister(): readonly ClusterEventWithHint[] {
    return [
      { event: { resource: "AssignedPod", actions: ["Delete", "UpdatePodScaleDown"] } },
      { event: { resource: "Node", actions: ["Add", "UpdateNodeAllocatable", "UpdateNodeTaint", "UpdateNodeLabel"] } },
    ];
  }
}
