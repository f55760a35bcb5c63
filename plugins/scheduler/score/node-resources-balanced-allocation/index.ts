import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import type { JsonSchema } from "../../../../core/kernel/json-schema.js";
import { Scheduler, type PreScorePlugin, type ScorePlugin } from "../../../../core/scheduler/index.js";
import type { NodeResourcesBalancedAllocationArgs } from "../../../../schemas/generated/plugins/scheduler/node-resources-balanced-allocation.args.js";
import schema from "../../../../schemas/plugins/scheduler/node-resources-balanced-allocation.args.schema.json" with { type: "json" };

export default definePlugin<NodeResourcesBalancedAllocationArgs, unknown, PreScorePlugin & ScorePlugin>({
  name: "NodeResourcesBalancedAllocation",
  serves: [Scheduler.preScore, Scheduler.score],
  args: schema as JsonSchema,
  description: "Prefers nodes whose resources would be used in balance (low spread of requested fractions)",
  upstream: "pkg/scheduler/framework/plugins/noderesources (BalancedAllocation)",
  create: async (args) => {
    const { BalancedAllocation } = await import("./balanced-allocation.js");
    return new BalancedAllocation(args);
  },
});
