import { hostname } from "node:os";
import type { ClientConfig } from "../client/index.js";
import { componentCredentials } from "../connect/index.js";

export interface NodeIdentity {
  kubeconfig?: string;
  dataDir: string;
  /** The certificate's common name; default the kubelet's, system:node:<hostname>. */
  user?: string;
  groups?: string[];
}

/**
 * The node component's credentials: the kubeconfig it was given, or its own client certificate
 * (kubeadm's kubelet.conf identity, system:node:<hostname> in system:nodes, unless the profile
 * names another, as a simulated fleet does).
 */
export function nodeCredentials(opts: NodeIdentity): Promise<ClientConfig> {
  return componentCredentials({
    ...(opts.kubeconfig ? { kubeconfig: opts.kubeconfig } : {}),
    dataDir: opts.dataDir,
    user: opts.user ?? `system:node:${hostname().toLowerCase()}`,
    groups: opts.groups ?? ["system:nodes"],
    file: "node.kubeconfig",
  });
}
