import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import type { JsonSchema } from "../../../../core/kernel/json-schema.js";
import { Scheduler, type EnqueueExtensions, type FilterPlugin, type PreFilterPlugin, type PreScorePlugin, type SchedulerHandle, type ScorePlugin } from "../../../../core/scheduler/index.js";
import type { PodTopologySpreadArgs } from "../../../../schemas/generated/plugins/scheduler/pod-topology-spread.args.js";
import schema from "../../../../schemas/plugins/scheduler/pod-topology-spread.args.schema.json" with { type: "json" };

export default definePlugin<PodTopologySpreadArgs, SchedulerHandle, PreFilterPlugin & FilterPlugin & PreScorePlugin & ScorePlugin & EnqueueExtensions>({
  name: "PodTopologySpread",
  serves: [Scheduler.preFilter, Scheduler.filter, Scheduler.preScore, Scheduler.score],
  args: schema as JsonSchema,
  description: "Spreads matching pods over topology domains: hard (DoNotSchedule) as a filter, soft (ScheduleAnyway) as a score",
  upstream: "pkg/scheduler/framework/plugins/podtopologyspread",
  create: async (args, handle) => {
    const { PodTopologySpread } = await import("./pod-topology-spread.js");
    return new PodTopologySpread(args, handle);
  },
});
