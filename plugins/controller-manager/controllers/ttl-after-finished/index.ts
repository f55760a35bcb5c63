import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import type { JsonSchema } from "../../../../core/kernel/json-schema.js";
import { ControllerManager, type Controller, type ControllerManagerHandle } from "../../../../core/controller-manager/index.js";
import schema from "../../../../schemas/plugins/controller-manager/ttl-after-finished.args.schema.json" with { type: "json" };
import type { TtlAfterFinishedOptions } from "./ttl-after-finished-controller.js";

export const ttlAfterFinishedPlugin = definePlugin<TtlAfterFinishedOptions, ControllerManagerHandle, Controller>({
  name: "ttl-after-finished",
  serves: [ControllerManager.controllers],
  args: schema as JsonSchema,
  description: "Deletes finished Jobs once their ttlSecondsAfterFinished has passed",
  upstream: "kube-controller-manager ttl-after-finished-controller (pkg/controller/ttlafterfinished/ttlafterfinished_controller.go)",
  create: async (args, handle) => {
    const { TtlAfterFinishedController } = await import("./ttl-after-finished-controller.js");
    return new TtlAfterFinishedController(args, handle);
  },
});

export default ttlAfterFinishedPlugin;
