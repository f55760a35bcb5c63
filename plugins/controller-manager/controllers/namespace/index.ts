import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import type { JsonSchema } from "../../../../core/kernel/json-schema.js";
import { ControllerManager, type Controller, type ControllerManagerHandle } from "../../../../core/controller-manager/index.js";
import schema from "../../../../schemas/plugins/controller-manager/namespace.args.schema.json" with { type: "json" };
import type { NamespaceControllerArgs } from "../../../../schemas/generated/plugins/controller-manager/namespace.args.js";

export const namespacePlugin = definePlugin<Required<NamespaceControllerArgs>, ControllerManagerHandle, Controller>({
  name: "namespace",
  serves: [ControllerManager.controllers],
  args: schema as JsonSchema,
  description: "Empties a deleted namespace of every namespaced resource, then removes its `kubernetes` finalizer",
  upstream: "kube-controller-manager namespace-controller (pkg/controller/namespace, NamespacedResourcesDeleter)",
  create: async (args, handle) => {
    const { NamespaceController } = await import("./namespace-controller.js");
    return new NamespaceController(args, handle);
  },
});

export default namespacePlugin;
