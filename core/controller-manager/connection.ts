import { join } from "node:path";
import { loadKubeconfig, type ClientConfig, type Transport, type TransportRequest, type TransportResponse, type TransportStream } from "../client/index.js";
import { openClusterCa, writeKubeconfig } from "../pki/index.js";

/**
 * A transport that waits for its real one. Plugins get their client when they are built, before
 * the component starts; the connection exists only once it starts (in `kitbash up`, after the
 * API server has written its CA and kubeconfig), so calls made before then wait for it.
 */
export class DeferredTransport implements Transport {
  private target: Transport | undefined;
  private readonly ready: Promise<Transport>;
  private resolve!: (t: Transport) => void;
  private reject!: (err: Error) => void;

  constructor() {
    this.ready = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    // Nobody may be waiting when a component stops unconnected; that is not an unhandled failure.
    this.ready.catch(() => undefined);
  }

  connect(target: Transport): void {
    this.target = target;
    this.resolve(target);
  }

  async request(req: TransportRequest): Promise<TransportResponse> {
    return (this.target ?? (await this.ready)).request(req);
  }

  async stream(req: TransportRequest): Promise<TransportStream> {
    return (this.target ?? (await this.ready)).stream(req);
  }

  /** Closes the connection; calls still waiting for one fail. */
  close(): void {
    if (this.target) this.target.close();
    else this.reject(new Error("the controller manager stopped before it connected"));
  }
}

export const CONTROLLER_MANAGER_USER = "system:kube-controller-manager";

/**
 * The controller manager's credentials: the kubeconfig it was given, or, with none, its own
 * client certificate (CN system:kube-controller-manager) from the cluster CA in the data dir,
 * for the API server the data dir's admin kubeconfig names. The kubeconfig it writes for itself
 * (`controller-manager.kubeconfig`) is kubeadm's controller-manager.conf.
 */
export async function controllerManagerCredentials(opts: { kubeconfig?: string; dataDir: string }): Promise<ClientConfig> {
  if (opts.kubeconfig) return loadKubeconfig(opts.kubeconfig);
  const admin = join(opts.dataDir, "admin.kubeconfig");
  const server = await loadKubeconfig(admin).catch((err: Error) => {
    throw new Error(`no kubeconfig given and no API server to join in ${opts.dataDir}: ${err.message}. Pass --kubeconfig, or start the API server with this data dir first`);
  });
  const ca = await openClusterCa(join(opts.dataDir, "pki"));
  const mine = await ca.issueClientCert({ commonName: CONTROLLER_MANAGER_USER });
  await writeKubeconfig(join(opts.dataDir, "controller-manager.kubeconfig"), {
    server: server.server,
    caCert: ca.caCert,
    clientCert: mine.cert,
    clientKey: mine.key,
    userName: CONTROLLER_MANAGER_USER,
    contextName: CONTROLLER_MANAGER_USER + "@kitbash",
  });
  return { server: server.server, ca: ca.caCert, cert: mine.cert, key: mine.key };
}
