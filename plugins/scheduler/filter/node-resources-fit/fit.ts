import type { CycleState, StateData } from "../../../../core/scheduler/cycle-state.js";
import { MAX_NODE_SCORE } from "../../../../core/scheduler/framework.js";
import type { NodeInfo } from "../../../../core/scheduler/node-info.js";
import type { FilterPlugin, PreFilterPlugin, ScorePlugin } from "../../../../core/scheduler/points.js";
import { podRequests, type Resources } from "../../../../core/scheduler/resources.js";
import { Status } from "../../../../core/scheduler/status.js";
import type { Pod } from "../../../../core/scheduler/types.js";

export interface NodeResourcesFitArgs {
  ignoredResources?: string[];
  ignoredResourceGroups?: string[];
  scoringStrategy?: {
    type?: "LeastAllocated" | "MostAllocated" | "RequestedToCapacityRatio";
    resources?: { name: string; weight?: number }[];
    requestedToCapacityRatio?: { shape?: { utilization: number; score: number }[] };
  };
}

const STATE_KEY = "PreFilterNodeResourcesFit";

class PodRequestState implements StateData {
  constructor(readonly requests: Resources, readonly nonZero: Resources) {}
  clone(): StateData {
    return this;
  }
}

/** Scores a resource's utilization 0-100 under one strategy. */
type Scorer = (requested: number, allocatable: number) => number;

function leastAllocated(requested: number, allocatable: number): number {
  if (allocatable === 0 || requested > allocatable) return 0;
  return Math.trunc(((allocatable - requested) * MAX_NODE_SCORE) / allocatable);
}

function mostAllocated(requested: number, allocatable: number): number {
  if (allocatable === 0) return 0;
  // Upstream scores overcommitted nodes as fully allocated rather than above 100.
  return Math.trunc((Math.min(requested, allocatable) * MAX_NODE_SCORE) / allocatable);
}

/** A piecewise-linear function of utilization through the shape points (scores 0-10 scaled to 0-100). */
function requestedToCapacityRatio(shape: { utilization: number; score: number }[]): Scorer {
  const points = [...shape].sort((a, b) => a.utilization - b.utilization).map((p) => ({ u: p.utilization, s: p.score * (MAX_NODE_SCORE / 10) }));
  return (requested, allocatable) => {
    if (allocatable === 0) return points[0]!.s;
    const u = Math.trunc((Math.min(requested, allocatable) * 100) / allocatable);
    if (u <= points[0]!.u) return points[0]!.s;
    for (let i = 1; i < points.length; i++) {
      const a = points[i - 1]!;
      const b = points[i]!;
      if (u <= b.u) return Math.trunc(a.s + ((b.s - a.s) * (u - a.u)) / (b.u - a.u));
    }
    return points[points.length - 1]!.s;
  };
}

/**
 * Filter: the node must have room for the pod's requests (cpu, memory,
 * ephemeral-storage, extended resources, pod count). Score: by the configured
 * strategy over the weighted resources.
 */
export class NodeResourcesFit implements PreFilterPlugin, FilterPlugin, ScorePlugin {
  private readonly ignored: Set<string>;
  private readonly ignoredGroups: Set<string>;
  private readonly resources: { name: string; weight: number }[];
  private readonly scorer: Scorer;

  constructor(args: NodeResourcesFitArgs) {
    this.ignored = new Set(args.ignoredResources ?? []);
    this.ignoredGroups = new Set(args.ignoredResourceGroups ?? []);
    const strategy = args.scoringStrategy ?? {};
    this.resources = (strategy.resources ?? [{ name: "cpu" }, { name: "memory" }]).map((r) => ({ name: r.name, weight: r.weight ?? 1 }));
    const type = strategy.type ?? "LeastAllocated";
    this.scorer = type === "MostAllocated" ? mostAllocated : type === "RequestedToCapacityRatio" ? requestedToCapacityRatio(strategy.requestedToCapacityRatio?.shape ?? [{ utilization: 0, score: 10 }, { utilization: 100, score: 0 }]) : leastAllocated;
  }

  preFilter(state: CycleState, pod: Pod): void {
    state.write(STATE_KEY, new PodRequestState(podRequests(pod), podRequests(pod, true)));
  }

  filter(state: CycleState, pod: Pod, node: NodeInfo): Status | void {
    const { requests } = this.requestsOf(state, pod);
    const reasons: string[] = [];
    const allowedPods = node.allocatable.pods ?? 0;
    if (node.pods.size + 1 > allowedPods) reasons.push("Too many pods");
    for (const [name, want] of Object.entries(requests)) {
      if (want === 0 || this.isIgnored(name)) continue;
      const free = (node.allocatable[name] ?? 0) - (node.requested[name] ?? 0);
      if (want > free) reasons.push(`Insufficient ${name}`);
    }
    if (reasons.length) return Status.unschedulable(...reasons);
  }

  score(state: CycleState, pod: Pod, node: NodeInfo): number {
    const { requests, nonZero } = this.requestsOf(state, pod);
    let total = 0;
    let weights = 0;
    for (const { name, weight } of this.resources) {
      const allocatable = node.allocatable[name] ?? 0;
      if (allocatable === 0) continue;
      // cpu and memory use the non-zero defaults so empty requests still spread pods.
      const useNonZero = name === "cpu" || name === "memory";
      const requested = (useNonZero ? node.nonZeroRequested[name] ?? 0 : node.requested[name] ?? 0) + ((useNonZero ? nonZero[name] : requests[name]) ?? 0);
      total += this.scorer(requested, allocatable) * weight;
      weights += weight;
    }
    return weights === 0 ? 0 : Math.trunc(total / weights);
  }

  events() {
    return [
      { resource: "Pod" as const, action: "Delete" as const },
      { resource: "Node" as const, action: "Add" as const },
      { resource: "Node" as const, action: "Update" as const },
    ];
  }

  private requestsOf(state: CycleState, pod: Pod): PodRequestState {
    return state.read<PodRequestState>(STATE_KEY) ?? new PodRequestState(podRequests(pod), podRequests(pod, true));
  }

  private isIgnored(name: string): boolean {
    if (this.ignored.has(name)) return true;
    const slash = name.indexOf("/");
    return slash > 0 && this.ignoredGroups.has(name.slice(0, slash));
  }
}
