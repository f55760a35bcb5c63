import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import { Scheduler, type EnqueueExtensions, type FilterPlugin, type PreScorePlugin, type ScorePlugin } from "../../../../core/scheduler/index.js";

export default definePlugin<Record<string, never>, unknown, FilterPlugin & PreScorePlugin & ScorePlugin & EnqueueExtensions>({
  name: "TaintToleration",
  serves: [Scheduler.filter, Scheduler.preScore, Scheduler.score],
  description: "Rejects nodes with NoSchedule/NoExecute taints the pod does not tolerate; prefers nodes with fewer untolerated PreferNoSchedule taints",
  upstream: "pkg/scheduler/framework/plugins/tainttoleration",
  create: async () => {
    const { TaintToleration } = await import("./taint-toleration.js");
    return new TaintToleration();
  },
});
