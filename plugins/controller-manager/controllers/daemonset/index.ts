import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import type { JsonSchema } from "../../../../core/kernel/json-schema.js";
import { ControllerManager, type Controller, type ControllerManagerHandle } from "../../../../core/controller-manager/index.js";
import schema from "../../../../schemas/plugins/controller-manager/daemonset.args.schema.json" with { type: "json" };
import type { DaemonSetControllerOptions } from "./daemonset-controller.js";

export const daemonSetPlugin = definePlugin<DaemonSetControllerOptions, ControllerManagerHandle, Controller>({
  name: "daemonset",
  serves: [ControllerManager.controllers],
  args: schema as JsonSchema,
  description: "Runs one pod per eligible node, pinned by node affinity, with rolling updates",
  upstream: "kube-controller-manager daemonset-controller (pkg/controller/daemon/)",
  create: async (args, handle) => {
    const { DaemonSetController } = await import("./daemonset-controller.js");
    return new DaemonSetController(args, handle);
  },
});

export default daemonSetPlugin;
