import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import type { JsonSchema } from "../../../../core/kernel/json-schema.js";
import { MAX_NODE_SCORE } from "../../../../core/scheduler/framework.js";
import { Scheduler, type ScorePlugin } from "../../../../core/scheduler/points.js";
import { podRequests } from "../../../../core/scheduler/resources.js";
import schema from "../../../../schemas/plugins/scheduler/node-resources-balanced-allocation.args.schema.json" with { type: "json" };

export interface BalancedAllocationArgs {
  resources?: { name: string; weight?: number }[];
}

/**
 * Prefers nodes whose resource fractions (requested/allocatable, this pod
 * included) stay close to each other: score = (1 − standard deviation) × 100.
 */
export function balancedAllocation(args: BalancedAllocationArgs): ScorePlugin {
  const names = (args.resources ?? [{ name: "cpu" }, { name: "memory" }]).map((r) => r.name);
  return {
    score: (_state, pod, node) => {
      const want = podRequests(pod, true);
      const fractions: number[] = [];
      for (const name of names) {
        const alloc = node.allocatable[name] ?? 0;
        if (alloc === 0) continue;
        fractions.push(Math.min(1, ((node.nonZeroRequested[name] ?? 0) + (want[name] ?? 0)) / alloc));
      }
      if (fractions.length < 2) return MAX_NODE_SCORE;
      const mean = fractions.reduce((a, b) => a + b, 0) / fractions.length;
      const variance = fractions.reduce((a, f) => a + (f - mean) ** 2, 0) / fractions.length;
      return Math.trunc((1 - Math.sqrt(variance)) * MAX_NODE_SCORE);
    },
  };
}

export default definePlugin<BalancedAllocationArgs, unknown, ScorePlugin>({
  name: "NodeResourcesBalancedAllocation",
  serves: [Scheduler.score],
  args: schema as JsonSchema,
  description: "Favours nodes whose cpu and memory use stay balanced after placing the pod",
  upstream: "kube-scheduler NodeResourcesBalancedAllocation",
  create: (args) => balancedAllocation(args),
});
