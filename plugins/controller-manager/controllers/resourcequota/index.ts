import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import type { JsonSchema } from "../../../../core/kernel/json-schema.js";
import { ControllerManager, type Controller, type ControllerManagerHandle } from "../../../../core/controller-manager/index.js";
import schema from "../../../../schemas/plugins/controller-manager/resourcequota.args.schema.json" with { type: "json" };
import type { ResourceQuotaControllerArgs } from "./resource-quota-controller.js";

export default definePlugin<ResourceQuotaControllerArgs, ControllerManagerHandle, Controller>({
  name: "resourcequota",
  serves: [ControllerManager.controllers],
  args: schema as JsonSchema,
  description: "Keeps every ResourceQuota's status.hard and status.used true to what its namespace holds",
  upstream: "kube-controller-manager resourcequota-controller (pkg/controller/resourcequota)",
  create: async (args, handle) => {
    const { ResourceQuotaController } = await import("./resource-quota-controller.js");
    return new ResourceQuotaController(args, handle);
  },
});
