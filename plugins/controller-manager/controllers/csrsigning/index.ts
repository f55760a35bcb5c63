import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import type { JsonSchema } from "../../../../core/kernel/json-schema.js";
import { ControllerManager, type Controller, type ControllerManagerHandle } from "../../../../core/controller-manager/index.js";
import schema from "../../../../schemas/plugins/controller-manager/csrsigning.args.schema.json" with { type: "json" };
import type { CsrSigningArgs } from "./csr-signing-controller.js";

export const csrSigningPlugin = definePlugin<CsrSigningArgs, ControllerManagerHandle, Controller>({
  name: "csrsigning",
  serves: [ControllerManager.controllers],
  args: schema as JsonSchema,
  description: "Signs approved CertificateSigningRequests of the kubernetes.io signers with the cluster CA",
  upstream: "kube-controller-manager csrsigning controller (pkg/controller/certificates/signer)",
  create: async (args, handle) => {
    const { CsrSigningController } = await import("./csr-signing-controller.js");
    return new CsrSigningController(args, handle);
  },
});

export default csrSigningPlugin;
