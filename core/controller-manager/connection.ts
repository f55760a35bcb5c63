import type { ClientConfig } from "../client/index.js";
import { componentCredentials } from "../connect/index.js";

export const CONTROLLER_MANAGER_USER = "system:kube-controller-manager";

/**
 * The controller manager's credentials: the kubeconfig it was given, or its own client
 * certificate (CN system:kube-controller-manager); the kubeconfig it writes for itself
 * (`controller-manager.kubeconfig`) is kubeadm's controller-manager.conf.
 */
export function controllerManagerCredentials(opts: { kubeconfig?: string; dataDir: string }): Promise<ClientConfig> {
  return componentCredentials({ ...opts, user: CONTROLLER_MANAGER_USER, file: "controller-manager.kubeconfig" });
}
