import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import { Scheduler, type EnqueueExtensions, type FilterPlugin } from "../../../../core/scheduler/index.js";

export default definePlugin<Record<string, never>, unknown, FilterPlugin & EnqueueExtensions>({
  name: "NodeName",
  serves: [Scheduler.filter],
  description: "Keeps only the node a pod names in spec.nodeName",
  upstream: "pkg/scheduler/framework/plugins/nodename",
  create: async () => {
    const { NodeName } = await import("./node-name.js");
    return new NodeName();
  },
});
