import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import { ControllerManager, type Controller, type ControllerManagerHandle } from "../../../../core/controller-manager/index.js";

export default definePlugin<Record<string, never>, ControllerManagerHandle, Controller>({
  name: "clusterrole-aggregation",
  serves: [ControllerManager.controllers],
  description: "Fills each ClusterRole with an aggregationRule with the rules of the ClusterRoles it selects",
  upstream: "kube-controller-manager clusterrole-aggregation-controller (pkg/controller/clusterroleaggregation)",
  create: async (_args, handle) => {
    const { ClusterRoleAggregationController } = await import("./aggregation-controller.js");
    return new ClusterRoleAggregationController(handle);
  },
});
