import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import { ControllerManager, type Controller, type ControllerManagerHandle } from "../../../../core/controller-manager/index.js";

export default definePlugin<Record<string, never>, ControllerManagerHandle, Controller>({
  name: "serviceaccount-token",
  serves: [ControllerManager.controllers],
  description: "Fills secrets of type kubernetes.io/service-account-token with a legacy token; deletes those of vanished accounts",
  upstream: "kube-controller-manager serviceaccount-token-controller (pkg/controller/serviceaccount/tokens_controller.go)",
  create: async (_args, handle) => {
    const { ServiceAccountTokenController } = await import("./token-controller.js");
    return new ServiceAccountTokenController(handle);
  },
});
