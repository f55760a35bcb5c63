import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import { Scheduler } from "../../../../core/scheduler/points.js";
import type { QueueSortPlugin } from "../../../../core/scheduler/points.js";

/** Higher spec.priority first; equal priorities in the order they entered the queue. */
export const prioritySort: QueueSortPlugin = {
  less: (a, b) => {
    const pa = a.pod.spec.priority ?? 0;
    const pb = b.pod.spec.priority ?? 0;
    return pa > pb || (pa === pb && a.timestamp < b.timestamp);
  },
};

export default definePlugin<Record<string, never>, unknown, QueueSortPlugin>({
  name: "PrioritySort",
  serves: [Scheduler.queueSort],
  description: "Orders the active queue by pod priority, then by arrival",
  upstream: "kube-scheduler PrioritySort",
  create: () => prioritySort,
});
