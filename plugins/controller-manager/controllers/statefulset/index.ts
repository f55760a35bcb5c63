import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import type { JsonSchema } from "../../../../core/kernel/json-schema.js";
import { ControllerManager, type Controller, type ControllerManagerHandle } from "../../../../core/controller-manager/index.js";
import schema from "../../../../schemas/plugins/controller-manager/statefulset.args.schema.json" with { type: "json" };
import type { StatefulSetControllerOptions } from "./statefulset-controller.js";

export const statefulSetPlugin = definePlugin<StatefulSetControllerOptions, ControllerManagerHandle, Controller>({
  name: "statefulset",
  serves: [ControllerManager.controllers],
  args: schema as JsonSchema,
  description: "Runs pods with stable identities in order, with revisions and partitioned rolling updates",
  upstream: "kube-controller-manager statefulset-controller (pkg/controller/statefulset/)",
  create: async (args, handle) => {
    const { StatefulSetController } = await import("./statefulset-controller.js");
    return new StatefulSetController(args, handle);
  },
});

export default statefulSetPlugin;
