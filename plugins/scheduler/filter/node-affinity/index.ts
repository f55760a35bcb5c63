import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import type { JsonSchema } from "../../../../core/kernel/json-schema.js";
import { Scheduler, type EnqueueExtensions, type FilterPlugin, type PreFilterPlugin, type PreScorePlugin, type ScorePlugin } from "../../../../core/scheduler/index.js";
import type { NodeAffinityArgs } from "../../../../schemas/generated/plugins/scheduler/node-affinity.args.js";
import schema from "../../../../schemas/plugins/scheduler/node-affinity.args.schema.json" with { type: "json" };

export default definePlugin<NodeAffinityArgs, unknown, PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin & EnqueueExtensions>({
  name: "NodeAffinity",
  serves: [Scheduler.preFilter, Scheduler.filter, Scheduler.preScore, Scheduler.score],
  args: schema as JsonSchema,
  description: "Filters on the pod's nodeSelector and required node affinity; scores preferred node affinity",
  upstream: "pkg/scheduler/framework/plugins/nodeaffinity",
  create: async (args) => {
    const { NodeAffinityPlugin } = await import("./node-affinity.js");
    return new NodeAffinityPlugin(args);
  },
});
