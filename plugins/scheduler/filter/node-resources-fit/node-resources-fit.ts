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
    state.write(PRE_FILTER_KEY, new PodResources(podRequests(pod), podRequests(pod, true)));
    return Status.success();
  }

  filter(state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status {
    const requests = state.read<PodResources>(PRE_FILTER_KEY)?.requests ?? podRequests(pod);
    const lacking = this.insufficientResources(requests, nodeInfo);
    if (!lacking.length) return Status.success();
    const reasons = lacking.map((l) => l.reason);
    return lacking.some((l) => l.unresolvable) ? Status.unresolvable(...reasons) : Status.unschedulable(...reasons);
  }

  /** upstream's fitsRequest: pod count, then cpu, memory, ephemeral storage, then extended resources. */
  insufficientResources(requests: Resources, nodeInfo: NodeInfo): InsufficientResource[] {
    const out: InsufficientResource[] = [];
    const alloc = nodeInfo.allocatable;
    const allowedPods = alloc.pods ?? 0;
    if (nodeInfo.pods.length + 1 > allowedPods) {
      out.push({ resource: "pods", reason: "Too many pods", requested: 1, used: nodeInfo.pods.length, capacity: allowedPods, unresolvable: false });
    }
    const check = (name: string, reason: string) => {
      const want = requests[name] ?? 0;
      if (want <= 0) return;
      const cap = alloc[name] ?? 0;
      const used = nodeInfo.requested[name] ?? 0;
      if (want > cap - used) out.push({ resource: name, reason, requested: want, used, capacity: cap, unresolvable: want > cap });
    };
    check("cpu", "Insufficient cpu");
    check("memory", "Insufficient memory");
    check("ephemeral-storage", "Insufficient ephemeral-storage");
    for (const name of Object.keys(requests)) {
      if (NATIVE.has(name) || this.ignored.has(name)) continue;
      const slash = name.indexOf("/");
      if (slash > 0 && this.ignoredGroups.has(name.slice(0, slash))) continue;
      check(name, `Insufficient ${name}`);
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
      const { allocatable, requested } = requestedWithPod(nodeInfo, pr.requests, pr.nonZero, r.name);
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
