import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import type { JsonSchema } from "../../../../core/kernel/json-schema.js";
import { ControllerManager, type Controller, type ControllerManagerHandle } from "../../../../core/controller-manager/index.js";
import schema from "../../../../schemas/plugins/controller-manager/endpointslicemirroring.args.schema.json" with { type: "json" };
import type { EndpointSliceMirroringControllerArgs } from "./endpointslicemirroring-controller.js";

export const endpointSliceMirroringPlugin = definePlugin<EndpointSliceMirroringControllerArgs, ControllerManagerHandle, Controller>({
  name: "endpointslicemirroring",
  serves: [ControllerManager.controllers],
  args: schema as JsonSchema,
  description: "Mirrors hand-written Endpoints of Services without a selector into EndpointSlices",
  upstream: "kube-controller-manager endpointslice-mirroring-controller (pkg/controller/endpointslicemirroring)",
  create: async (args, handle) => {
    const { EndpointSliceMirroringController } = await import("./endpointslicemirroring-controller.js");
    return new EndpointSliceMirroringController(args, handle);
  },
});

export default endpointSliceMirroringPlugin;
