import type { ClientConfig } from "../client/index.js";
import { componentCredentials } from "../connect/index.js";

/** The user upstream's system:node-proxier ClusterRoleBinding names. */
export const PROXY_USER = "system:kube-proxy";

/** The kubeconfig the proxy was given, or its own client certificate (kubeadm's kube-proxy identity). */
export function proxyCredentials(opts: { kubeconfig?: string; dataDir: string }): Promise<ClientConfig> {
  return componentCredentials({ ...opts, user: PROXY_USER, file: "proxy.kubeconfig" });
}
