import {
  Status,
  podRequests,
  requestedWithPod,
  MAX_NODE_SCORE,
  type CycleState,
  type NodeInfo,
  type Pod,
  type PreScorePlugin,
  type Resources,
  type ScorePlugin,
  type StateData,
} from "../../../../core/scheduler/index.js";
import type { NodeResourcesBalancedAllocationArgs } from "../../../../schemas/generated/plugins/scheduler/node-resources-balanced-allocation.args.js";

const KEY = "PreScoreNodeResourcesBalancedAllocation";

class PodResources implements StateData {
  constructor(
    readonly requests: Resources,
    readonly nonZero: Resources,
  ) {}
  clone(): StateData {
    return this;
  }
}

export class BalancedAllocation implements PreScorePlugin, ScorePlugin {
  private readonly resources: string[];

  constructor(args: NodeResourcesBalancedAllocationArgs) {
    this.resources = (args.resources ?? [{ name: "cpu" }, { name: "memory" }]).map((r) => r.name);
  }

  preScore(state: CycleState, pod: Pod): Status {
    state.write(KEY, new PodResources(podRequests(pod), podRequests(pod, true)));
    return Status.success();
  }

  /** (1 - standard deviation of the requested fractions) * 100, fractions capped at 1. */
  score(state: CycleState, pod: Pod, nodeInfo: NodeInfo): number {
    const pr = state.read<PodResources>(KEY) ?? new PodResources(podRequests(pod), podRequests(pod, true));
    const fractions: number[] = [];
    for (const name of this.resources) {
      const allocatable = nodeInfo.allocatable[name] ?? 0;
      const requested = requestedWithPod(nodeInfo, pr.requests, pr.nonZero, name);
      if (allocatable === 0) continue;
      fractions.push(Math.min(1, requested / allocatable));
    }
    let std = 0;
    if (fractions.length === 2) std = Math.abs((fractions[0]! - fractions[1]!) / 2);
    else if (fractions.length > 2) {
      const mean = fractions.reduce((a, b) => a + b, 0) / fractions.length;
      std = Math.sqrt(fractions.reduce((a, f) => a + (f - mean) ** 2, 0) / fractions.length);
    }
    return Math.trunc((1 - std) * MAX_NODE_SCORE);
  }
}
