import { NAMESPACE_INDEX, type Indexer, type KubeObject } from "../../../../core/client/index.js";
import type { ClusterView, EndpointRecord, ServiceRecord } from "./zone.js";

export interface Service extends KubeObject {
  spec?: {
    type?: string;
    clusterIP?: string;
    clusterIPs?: string[];
    externalName?: string;
    publishNotReadyAddresses?: boolean;
    ports?: { name?: string; protocol?: string; port: number }[];
  };
}

export interface EndpointSlice extends KubeObject {
  endpoints?: { addresses: string[]; hostname?: string; conditions?: { ready?: boolean } }[];
  ports?: { name?: string; protocol?: string; port?: number }[];
}

export const SERVICE_NAME_LABEL = "kubernetes.io/service-name";
/** EndpointSlices by `<namespace>/<service>`. */
export const BY_SERVICE = "byService";
export const bySlicesService = (s: EndpointSlice): string[] => {
  const svc = s.metadata.labels?.[SERVICE_NAME_LABEL];
  return svc ? [`${s.metadata.namespace}/${svc}`] : [];
};

/** The zone's view of the cluster, read from the informers' stores on every query (no copy to keep in step). */
export class InformerClusterView implements ClusterView {
  constructor(
    private readonly serviceStore: Indexer<Service>,
    private readonly slices: Indexer<EndpointSlice>,
  ) {}

  service(namespace: string, name: string): ServiceRecord | undefined {
    const s = this.serviceStore.getBy(namespace, name);
    return s ? toRecord(s) : undefined;
  }

  endpoints(namespace: string, name: string): EndpointRecord[] {
    const svc = this.serviceStore.getBy(namespace, name);
    const all = svc?.spec?.publishNotReadyAddresses === true;
    const out: EndpointRecord[] = [];
    for (const slice of this.slices.byIndex(BY_SERVICE, `${namespace}/${name}`)) {
      const ports = (slice.ports ?? []).filter((p) => p.port !== undefined).map((p) => ({ name: p.name ?? "", protocol: p.protocol ?? "TCP", port: p.port! }));
      for (const ep of slice.endpoints ?? []) {
        // A missing ready condition means ready, as the EndpointSlice API defines it.
        if (!all && ep.conditions?.ready === false) continue;
        if (!ep.addresses?.length) continue;
        out.push({ addresses: ep.addresses, ...(ep.hostname ? { hostname: ep.hostname } : {}), ports });
      }
    }
    return out;
  }

  hasNamespaceServices(namespace: string): boolean {
    return this.serviceStore.byIndex(NAMESPACE_INDEX, namespace).length > 0;
  }

  *services(): Iterable<ServiceRecord> {
    for (const s of this.serviceStore.list()) yield toRecord(s);
  }
}

function toRecord(s: Service): ServiceRecord {
  const spec = s.spec ?? {};
  const ips = (spec.clusterIPs?.length ? spec.clusterIPs : spec.clusterIP ? [spec.clusterIP] : []).filter((ip) => ip && ip !== "None");
  return {
    namespace: s.metadata.namespace!,
    name: s.metadata.name!,
    clusterIPs: spec.type === "ExternalName" ? [] : ips,
    headless: spec.type !== "ExternalName" && spec.clusterIP === "None",
    ...(spec.type === "ExternalName" && spec.externalName ? { externalName: spec.externalName } : {}),
    ports: (spec.ports ?? []).map((p) => ({ name: p.name ?? "", protocol: p.protocol ?? "TCP", port: p.port })),
  };
}
