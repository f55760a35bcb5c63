import { join } from "node:path";
import { loadKubeconfig, type ClientConfig } from "../client/index.js";
import { openClusterCa, writeKubeconfig } from "../pki/index.js";

export interface ComponentCredentialsOptions {
  /** A kubeconfig the user gave; used as it is. */
  kubeconfig?: string;
  dataDir: string;
  /** The certificate's common name: the user the API server sees (system:kube-scheduler, …). */
  user: string;
  /** The certificate's organizations: the user's groups (system:nodes, …). */
  groups?: string[];
  /** The kubeconfig written for the component in the data dir, as kubeadm names them (scheduler.conf …). */
  file: string;
}

/**
 * A component's credentials: the kubeconfig it was given, or, with none, its own client
 * certificate from the cluster CA in the data dir, for the API server the data dir's admin
 * kubeconfig names; that identity is also written out as a kubeconfig of its own.
 */
export async function componentCredentials(opts: ComponentCredentialsOptions): Promise<ClientConfig> {
  if (opts.kubeconfig) return loadKubeconfig(opts.kubeconfig);
  const admin = join(opts.dataDir, "admin.kubeconfig");
  const server = await loadKubeconfig(admin).catch((err: Error) => {
    throw new Error(`no kubeconfig given and no API server to join in ${opts.dataDir}: ${err.message}. Pass --kubeconfig, or start the API server with this data dir first`);
  });
  const ca = await openClusterCa(join(opts.dataDir, "pki"));
  const mine = await ca.issueClientCert({ commonName: opts.user, ...(opts.groups ? { organizations: opts.groups } : {}) });
  await writeKubeconfig(join(opts.dataDir, opts.file), {
    server: server.server,
    caCert: ca.caCert,
    clientCert: mine.cert,
    clientKey: mine.key,
    userName: opts.user,
    contextName: opts.user + "@kitbash",
  });
  return { server: server.server, ca: ca.caCert, cert: mine.cert, key: mine.key };
}
