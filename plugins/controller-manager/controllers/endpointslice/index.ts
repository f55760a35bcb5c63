import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import type { JsonSchema } from "../../../../core/kernel/json-schema.js";
import { ControllerManager, type Controller, type ControllerManagerHandle } from "../../../../core/controller-manager/index.js";
import schema from "../../../../schemas/plugins/controller-manager/endpointslice.args.schema.json" with { type: "json" };
import type { EndpointSliceControllerArgs } from "./endpointslice-controller.js";

export const endpointSlicePlugin = definePlugin<EndpointSliceControllerArgs, ControllerManagerHandle, Controller>({
  name: "endpointslice",
  serves: [ControllerManager.controllers],
  args: schema as JsonSchema,
  description: "Keeps discovery.k8s.io/v1 EndpointSlices per Service with a selector: ready, serving and terminating endpoints, at most 100 a slice",
  upstream: "kube-controller-manager endpointslice-controller (pkg/controller/endpointslice/endpointslice_controller.go, reconciler.go)",
  create: async (args, handle) => {
    const { EndpointSliceController } = await import("./endpointslice-controller.js");
    return new EndpointSliceController(args, handle);
  },
});

export default endpointSlicePlugin;
