import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import type { JsonSchema } from "../../../../core/kernel/json-schema.js";
import { Scheduler, type EnqueueExtensions, type FilterPlugin, type PreFilterPlugin, type PreScorePlugin, type ScorePlugin } from "../../../../core/scheduler/index.js";
import type { NodeResourcesFitArgs } from "../../../../schemas/generated/plugins/scheduler/node-resources-fit.args.js";
import schema from "../../../../schemas/plugins/scheduler/node-resources-fit.args.schema.json" with { type: "json" };

export default definePlugin<NodeResourcesFitArgs, unknown, PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin & EnqueueExtensions>({
  name: "NodeResourcesFit",
  serves: [Scheduler.preFilter, Scheduler.filter, Scheduler.preScore, Scheduler.score],
  args: schema as JsonSchema,
  description: "Rejects nodes without room for the pod's requests; scores LeastAllocated, MostAllocated or RequestedToCapacityRatio",
  upstream: "pkg/scheduler/framework/plugins/noderesources (Fit)",
  create: async (args) => {
    const { NodeResourcesFit } = await import("./node-resources-fit.js");
    return new NodeResourcesFit(args);
  },
});
