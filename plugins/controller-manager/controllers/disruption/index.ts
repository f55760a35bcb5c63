import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import type { JsonSchema } from "../../../../core/kernel/json-schema.js";
import { ControllerManager, type Controller, type ControllerManagerHandle } from "../../../../core/controller-manager/index.js";
import schema from "../../../../schemas/plugins/controller-manager/disruption.args.schema.json" with { type: "json" };
import type { DisruptionControllerOptions } from "./disruption-controller.js";

export const disruptionPlugin = definePlugin<DisruptionControllerOptions, ControllerManagerHandle, Controller>({
  name: "disruption",
  serves: [ControllerManager.controllers],
  args: schema as JsonSchema,
  description: "Keeps PodDisruptionBudget status current for the eviction API",
  upstream: "kube-controller-manager disruption-controller (pkg/controller/disruption/disruption.go)",
  create: async (args, handle) => {
    const { DisruptionController } = await import("./disruption-controller.js");
    return new DisruptionController(args, handle);
  },
});

export default disruptionPlugin;
