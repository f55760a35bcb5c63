import { isAlreadyExists, isNotFound, Resources, type KubeClient, type KubeObject } from "../../../../core/client/index.js";
import type { Logger } from "../../../../core/kernel/logging.js";

const NAMESPACE = "kube-system";
const SERVICE = "kube-dns";
const SLICE = "kube-dns-kitbash";
const MANAGED_BY = "kitbash.io/cluster-dns";

/**
 * The kube-system/kube-dns Service pods' resolv.conf points at (by its ClusterIP), kept as
 * upstream installs it but without a selector: the server is not a pod, so this add-on writes
 * the EndpointSlice itself, naming its own address, and the proxy routes to it like any other.
 */
export class KubeDnsService {
  constructor(
    private readonly client: KubeClient,
    private readonly logger: Logger,
    private readonly opts: { serviceIP: string; address: string; port: number },
  ) {}

  async ensure(): Promise<void> {
    const services = this.client.resource(Resources.services, NAMESPACE);
    const want = {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: SERVICE, namespace: NAMESPACE, labels: { "k8s-app": "kube-dns", "kubernetes.io/cluster-service": "true", "kubernetes.io/name": "CoreDNS" } },
      spec: {
        clusterIP: this.opts.serviceIP,
        ports: [
          { name: "dns", port: 53, protocol: "UDP", targetPort: this.opts.port },
          { name: "dns-tcp", port: 53, protocol: "TCP", targetPort: this.opts.port },
        ],
      },
    } as KubeObject;
    const existing = await services.get(SERVICE).catch((err) => (isNotFound(err) ? undefined : Promise.reject(err)));
    if (!existing) await services.create(want).catch((err) => (isAlreadyExists(err) ? undefined : Promise.reject(err)));
    else if ((existing as { spec?: { clusterIP?: string } }).spec?.clusterIP !== this.opts.serviceIP) {
      this.logger.warn({ service: `${NAMESPACE}/${SERVICE}`, clusterIP: (existing as { spec?: { clusterIP?: string } }).spec?.clusterIP, wanted: this.opts.serviceIP }, "kube-dns exists with another ClusterIP; left as it is");
    }
    const slices = this.client.resource(Resources.endpointSlices, NAMESPACE);
    const slice = {
      apiVersion: "discovery.k8s.io/v1",
      kind: "EndpointSlice",
      metadata: { name: SLICE, namespace: NAMESPACE, labels: { "kubernetes.io/service-name": SERVICE, "endpointslice.kubernetes.io/managed-by": MANAGED_BY } },
      addressType: this.opts.address.includes(":") ? "IPv6" : "IPv4",
      endpoints: [{ addresses: [this.opts.address], conditions: { ready: true, serving: true, terminating: false } }],
      ports: [
        { name: "dns", port: this.opts.port, protocol: "UDP" },
        { name: "dns-tcp", port: this.opts.port, protocol: "TCP" },
      ],
    } as KubeObject;
    const current = await slices.get(SLICE).catch((err) => (isNotFound(err) ? undefined : Promise.reject(err)));
    if (!current) await slices.create(slice);
    else await slices.update({ ...slice, metadata: { ...slice.metadata, resourceVersion: current.metadata.resourceVersion } });
  }

  /** Takes the server's address out of the Service, so nothing is routed to a server that stopped. */
  async withdraw(): Promise<void> {
    await this.client
      .resource(Resources.endpointSlices, NAMESPACE)
      .delete(SLICE)
      .catch((err) => (isNotFound(err) ? undefined : this.logger.warn({ err: (err as Error).message }, "could not remove the kube-dns EndpointSlice")));
  }
}
