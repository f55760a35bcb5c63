import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import type { JsonSchema } from "../../../../core/kernel/json-schema.js";
import { Scheduler, type EnqueueExtensions, type FilterPlugin, type PreFilterPlugin, type PreScorePlugin, type SchedulerHandle, type ScorePlugin } from "../../../../core/scheduler/index.js";
import type { InterPodAffinityArgs } from "../../../../schemas/generated/plugins/scheduler/inter-pod-affinity.args.js";
import schema from "../../../../schemas/plugins/scheduler/inter-pod-affinity.args.schema.json" with { type: "json" };

export default definePlugin<InterPodAffinityArgs, SchedulerHandle, PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin & EnqueueExtensions>({
  name: "InterPodAffinity",
  serves: [Scheduler.preFilter, Scheduler.filter, Scheduler.preScore, Scheduler.score],
  args: schema as JsonSchema,
  description: "Required pod affinity and anti-affinity (the pod's and existing pods') as a filter; preferred terms as a score",
  upstream: "pkg/scheduler/framework/plugins/interpodaffinity",
  create: async (args, handle) => {
    const { InterPodAffinity } = await import("./inter-pod-affinity.js");
    return new InterPodAffinity(args, handle);
  },
});
