import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import type { JsonSchema } from "../../../../core/kernel/json-schema.js";
import { ControllerManager, type Controller, type ControllerManagerHandle } from "../../../../core/controller-manager/index.js";
import schema from "../../../../schemas/plugins/controller-manager/replicationcontroller.args.schema.json" with { type: "json" };
import type { ReplicationControllerArgs } from "../../../../schemas/generated/plugins/controller-manager/replicationcontroller.args.js";

export const replicationControllerPlugin = definePlugin<Required<ReplicationControllerArgs>, ControllerManagerHandle, Controller>({
  name: "replicationcontroller",
  serves: [ControllerManager.controllers],
  args: schema as JsonSchema,
  description: "Keeps spec.replicas pods of every ReplicationController",
  upstream: "kube-controller-manager replicationcontroller-controller (pkg/controller/replication)",
  create: async (args, handle) => {
    const { replicationManager } = await import("./replication-manager.js");
    return replicationManager(args, handle);
  },
});

export default replicationControllerPlugin;
