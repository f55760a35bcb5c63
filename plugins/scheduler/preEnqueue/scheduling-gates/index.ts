import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import { Scheduler, type EnqueueExtensions, type PreEnqueuePlugin } from "../../../../core/scheduler/index.js";

export default definePlugin<Record<string, never>, unknown, PreEnqueuePlugin & EnqueueExtensions>({
  name: "SchedulingGates",
  serves: [Scheduler.preEnqueue],
  description: "Holds pods with spec.schedulingGates out of the active queue until the gates are removed",
  upstream: "pkg/scheduler/framework/plugins/schedulinggates (KEP-3521, GA in 1.30)",
  create: async () => {
    const { SchedulingGates } = await import("./scheduling-gates.js");
    return new SchedulingGates();
  },
});
