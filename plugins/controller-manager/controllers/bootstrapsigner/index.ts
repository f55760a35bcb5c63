import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import type { JsonSchema } from "../../../../core/kernel/json-schema.js";
import { ControllerManager, type Controller, type ControllerManagerHandle } from "../../../../core/controller-manager/index.js";
import schema from "../../../../schemas/plugins/controller-manager/bootstrapsigner.args.schema.json" with { type: "json" };
import type { BootstrapSignerControllerArgs } from "../../../../schemas/generated/plugins/controller-manager/bootstrapsigner.args.js";

export const bootstrapSignerPlugin = definePlugin<BootstrapSignerControllerArgs, ControllerManagerHandle, Controller>({
  name: "bootstrapsigner",
  serves: [ControllerManager.controllers],
  args: schema as JsonSchema,
  description: "Signs kube-public/cluster-info with every bootstrap token usable for signing",
  upstream: "kube-controller-manager bootstrapsigner (pkg/controller/bootstrap/bootstrapsigner.go)",
  create: async (_args, handle) => {
    const { BootstrapSigner } = await import("./bootstrap-signer.js");
    return new BootstrapSigner(handle);
  },
});

export default bootstrapSignerPlugin;
