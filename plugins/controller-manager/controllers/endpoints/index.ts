import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import type { JsonSchema } from "../../../../core/kernel/json-schema.js";
import { ControllerManager, type Controller, type ControllerManagerHandle } from "../../../../core/controller-manager/index.js";
import schema from "../../../../schemas/plugins/controller-manager/endpoints.args.schema.json" with { type: "json" };
import type { EndpointsControllerArgs } from "./endpoints-controller.js";

export const endpointsPlugin = definePlugin<EndpointsControllerArgs, ControllerManagerHandle, Controller>({
  name: "endpoints",
  serves: [ControllerManager.controllers],
  args: schema as JsonSchema,
  description: "Keeps a v1 Endpoints per Service with a selector, listing its pods' ready and not-ready addresses",
  upstream: "kube-controller-manager endpoint-controller (pkg/controller/endpoint/endpoints_controller.go)",
  create: async (args, handle) => {
    const { EndpointsController } = await import("./endpoints-controller.js");
    return new EndpointsController(args, handle);
  },
});

export default endpointsPlugin;
