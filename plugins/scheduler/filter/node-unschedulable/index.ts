import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import { Scheduler, type EnqueueExtensions, type FilterPlugin } from "../../../../core/scheduler/index.js";

export default definePlugin<Record<string, never>, unknown, FilterPlugin & EnqueueExtensions>({
  name: "NodeUnschedulable",
  serves: [Scheduler.filter],
  description: "Rejects cordoned nodes (spec.unschedulable) unless the pod tolerates node.kubernetes.io/unschedulable",
  upstream: "pkg/scheduler/framework/plugins/nodeunschedulable",
  create: async () => {
    const { NodeUnschedulable } = await import("./node-unschedulable.js");
    return new NodeUnschedulable();
  },
});
