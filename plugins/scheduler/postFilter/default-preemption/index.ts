import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import type { JsonSchema } from "../../../../core/kernel/json-schema.js";
import { Scheduler, type PostFilterPlugin, type SchedulerHandle } from "../../../../core/scheduler/index.js";
import type { DefaultPreemptionArgs } from "../../../../schemas/generated/plugins/scheduler/default-preemption.args.js";
import schema from "../../../../schemas/plugins/scheduler/default-preemption.args.schema.json" with { type: "json" };

export default definePlugin<DefaultPreemptionArgs, SchedulerHandle, PostFilterPlugin>({
  name: "DefaultPreemption",
  serves: [Scheduler.postFilter],
  args: schema as JsonSchema,
  description: "When no node fits, evicts the fewest, least important lower-priority pods (PDB-aware) from one node and nominates it",
  upstream: "pkg/scheduler/framework/plugins/defaultpreemption and framework/preemption",
  create: async (args, handle) => {
    const { DefaultPreemption } = await import("./default-preemption.js");
    return new DefaultPreemption(args, handle);
  },
});
