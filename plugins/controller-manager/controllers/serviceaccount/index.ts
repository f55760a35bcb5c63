import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import type { JsonSchema } from "../../../../core/kernel/json-schema.js";
import { ControllerManager, type Controller, type ControllerManagerHandle } from "../../../../core/controller-manager/index.js";
import schema from "../../../../schemas/plugins/controller-manager/serviceaccount.args.schema.json" with { type: "json" };
import type { ServiceAccountControllerArgs } from "../../../../schemas/generated/plugins/controller-manager/serviceaccount.args.js";

export const serviceAccountPlugin = definePlugin<Required<ServiceAccountControllerArgs>, ControllerManagerHandle, Controller>({
  name: "serviceaccount",
  serves: [ControllerManager.controllers],
  args: schema as JsonSchema,
  description: "Keeps the default ServiceAccount in every active namespace",
  upstream: "kube-controller-manager serviceaccount-controller (pkg/controller/serviceaccount/serviceaccounts_controller.go)",
  create: async (args, handle) => {
    const { ServiceAccountsController } = await import("./serviceaccounts-controller.js");
    return new ServiceAccountsController(args, handle);
  },
});

export default serviceAccountPlugin;
