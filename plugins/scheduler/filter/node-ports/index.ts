import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import { Scheduler, type EnqueueExtensions, type FilterPlugin, type PreFilterPlugin } from "../../../../core/scheduler/index.js";

export default definePlugin<Record<string, never>, unknown, PreFilterPlugin & FilterPlugin & EnqueueExtensions>({
  name: "NodePorts",
  serves: [Scheduler.preFilter, Scheduler.filter],
  description: "Rejects nodes where a host port the pod asks for is taken",
  upstream: "pkg/scheduler/framework/plugins/nodeports",
  create: async () => {
    const { NodePorts } = await import("./node-ports.js");
    return new NodePorts();
  },
});
