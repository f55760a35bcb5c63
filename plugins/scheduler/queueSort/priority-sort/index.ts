import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import { Scheduler, type QueueSortPlugin } from "../../../../core/scheduler/index.js";

export default definePlugin<Record<string, never>, unknown, QueueSortPlugin>({
  name: "PrioritySort",
  serves: [Scheduler.queueSort],
  description: "Orders the active queue by pod priority, then by arrival time",
  upstream: "pkg/scheduler/framework/plugins/queuesort (PrioritySort)",
  create: async () => {
    const { PrioritySort } = await import("./priority-sort.js");
    return new PrioritySort();
  },
});
