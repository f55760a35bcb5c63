import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import type { JsonSchema } from "../../../../core/kernel/json-schema.js";
import { ControllerManager, type Controller, type ControllerManagerHandle } from "../../../../core/controller-manager/index.js";
import schema from "../../../../schemas/plugins/controller-manager/csrapproving.args.schema.json" with { type: "json" };
import type { CsrApprovingArgs } from "./csr-approving-controller.js";

export const csrApprovingPlugin = definePlugin<CsrApprovingArgs, ControllerManagerHandle, Controller>({
  name: "csrapproving",
  serves: [ControllerManager.controllers],
  args: schema as JsonSchema,
  description: "Approves kubelet client certificate requests its requester is authorized to make (kubelet TLS bootstrap)",
  upstream: "kube-controller-manager csrapproving controller (pkg/controller/certificates/approver, sarapprove)",
  create: async (args, handle) => {
    const { CsrApprovingController } = await import("./csr-approving-controller.js");
    return new CsrApprovingController(args, handle);
  },
});

export default csrApprovingPlugin;
