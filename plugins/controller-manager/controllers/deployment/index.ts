import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import type { JsonSchema } from "../../../../core/kernel/json-schema.js";
import { ControllerManager, type Controller, type ControllerManagerHandle } from "../../../../core/controller-manager/index.js";
import schema from "../../../../schemas/plugins/controller-manager/deployment.args.schema.json" with { type: "json" };
import type { DeploymentControllerArgs } from "./deployment-controller.js";

export const deploymentPlugin = definePlugin<DeploymentControllerArgs, ControllerManagerHandle, Controller>({
  name: "deployment",
  serves: [ControllerManager.controllers],
  args: schema as JsonSchema,
  description: "Rolls Deployments out through ReplicaSets: RollingUpdate and Recreate, revisions, pause, progress deadlines",
  upstream: "kube-controller-manager deployment-controller (pkg/controller/deployment)",
  create: async (args, handle) => {
    const { DeploymentController } = await import("./deployment-controller.js");
    return new DeploymentController(args, handle);
  },
});

export default deploymentPlugin;
