import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import type { JsonSchema } from "../../../../core/kernel/json-schema.js";
import { ControllerManager, type Controller, type ControllerManagerHandle } from "../../../../core/controller-manager/index.js";
import schema from "../../../../schemas/plugins/controller-manager/nodelifecycle.args.schema.json" with { type: "json" };
import type { NodeLifecycleControllerArgs } from "./nodelifecycle-controller.js";

export const nodeLifecyclePlugin = definePlugin<NodeLifecycleControllerArgs, ControllerManagerHandle, Controller>({
  name: "nodelifecycle",
  serves: [ControllerManager.controllers],
  args: schema as JsonSchema,
  description: "Marks nodes whose kubelet went silent Unknown, taints not-ready and unreachable nodes, and evicts pods by their NoExecute tolerations",
  upstream: "kube-controller-manager node-lifecycle-controller and taint-eviction-controller (pkg/controller/nodelifecycle, pkg/controller/tainteviction)",
  create: async (args, handle) => {
    const { NodeLifecycleController } = await import("./nodelifecycle-controller.js");
    return new NodeLifecycleController(args, handle);
  },
});

export default nodeLifecyclePlugin;
