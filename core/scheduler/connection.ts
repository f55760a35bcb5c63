import type { ClientConfig } from "../client/index.js";
import { componentCredentials } from "../connect/index.js";

export const SCHEDULER_USER = "system:kube-scheduler";

/**
 * The scheduler's credentials: the kubeconfig it was given, or its own client certificate
 * (CN system:kube-scheduler, which the RBAC bootstrap policy binds); the kubeconfig it writes
 * for itself (`scheduler.kubeconfig`) is kubeadm's scheduler.conf.
 */
export function schedulerCredentials(opts: { kubeconfig?: string; dataDir: string }): Promise<ClientConfig> {
  return componentCredentials({ ...opts, user: SCHEDULER_USER, file: "scheduler.kubeconfig" });
}
