import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import type { JsonSchema } from "../../../../core/kernel/json-schema.js";
import { ControllerManager, type Controller, type ControllerManagerHandle } from "../../../../core/controller-manager/index.js";
import schema from "../../../../schemas/plugins/controller-manager/replicaset.args.schema.json" with { type: "json" };
import type { ReplicaSetControllerArgs } from "../../../../schemas/generated/plugins/controller-manager/replicaset.args.js";

export const replicaSetPlugin = definePlugin<Required<ReplicaSetControllerArgs>, ControllerManagerHandle, Controller>({
  name: "replicaset",
  serves: [ControllerManager.controllers],
  args: schema as JsonSchema,
  description: "Keeps spec.replicas pods of every ReplicaSet",
  upstream: "kube-controller-manager replicaset-controller (pkg/controller/replicaset)",
  create: async (args, handle) => {
    const { replicaSetController } = await import("./replicaset-controller.js");
    return replicaSetController(args, handle);
  },
});

export default replicaSetPlugin;
