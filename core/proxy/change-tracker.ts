import type { Endpoint, Protocol, ServicePort } from "./model.js";

export interface ServiceObject {
  metadata: { namespace?: string; name?: string };
  spec?: {
    type?: string;
    clusterIP?: string;
    clusterIPs?: string[];
    externalIPs?: string[];
    sessionAffinity?: string;
    sessionAffinityConfig?: { clientIP?: { timeoutSeconds?: number } };
    externalTrafficPolicy?: string;
    internalTrafficPolicy?: string;
    ports?: { name?: string; protocol?: string; port: number; nodePort?: number }[];
  };
  status?: { loadBalancer?: { ingress?: { ip?: string }[] } };
}

export interface EndpointSliceObject {
  metadata: { namespace?: string; name?: string; labels?: Record<string, string> };
  addressType?: string;
  endpoints?: { addresses: string[]; nodeName?: string; conditions?: { ready?: boolean; serving?: boolean; terminating?: boolean } }[];
  ports?: { name?: string; protocol?: string; port?: number }[];
}

export const SERVICE_NAME_LABEL = "kubernetes.io/service-name";
const DEFAULT_AFFINITY_SECONDS = 10800;

/**
 * Upstream's ServiceChangeTracker and EndpointsChangeTracker in one: informer events record
 * which services changed; `take` turns them into service ports and says which keys changed,
 * so a mode can rewrite only those.
 */
export class ChangeTracker {
  private readonly services = new Map<string, ServiceObject>();
  private readonly slices = new Map<string, Map<string, EndpointSliceObject>>();
  private readonly ports = new Map<string, ServicePort[]>();
  private readonly dirty = new Set<string>();

  constructor(readonly nodeName: string) {}

  get pending(): boolean {
    return this.dirty.size > 0;
  }

  serviceChanged(svc: ServiceObject, deleted = false): void {
    const id = `${svc.metadata.namespace}/${svc.metadata.name}`;
    if (deleted) this.services.delete(id);
    else this.services.set(id, svc);
    this.dirty.add(id);
  }

  sliceChanged(slice: EndpointSliceObject, deleted = false): void {
    const svc = slice.metadata.labels?.[SERVICE_NAME_LABEL];
    if (!svc) return;
    const id = `${slice.metadata.namespace}/${svc}`;
    let byName = this.slices.get(id);
    if (deleted) byName?.delete(slice.metadata.name!);
    else {
      if (!byName) this.slices.set(id, (byName = new Map()));
      byName.set(slice.metadata.name!, slice);
    }
    if (byName?.size === 0) this.slices.delete(id);
    this.dirty.add(id);
  }

  /** Applies pending changes; gives every service port (sorted) and the keys that changed. */
  take(): { services: ServicePort[]; changed: Set<string> } {
    const changed = new Set<string>();
    for (const id of this.dirty) {
      for (const p of this.ports.get(id) ?? []) changed.add(p.key);
      const svc = this.services.get(id);
      const next = svc ? this.servicePorts(svc, this.slices.get(id)) : [];
      if (next.length) this.ports.set(id, next);
      else this.ports.delete(id);
      for (const p of next) changed.add(p.key);
    }
    this.dirty.clear();
    const services = [...this.ports.values()].flat().sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return { services, changed };
  }

  private servicePorts(svc: ServiceObject, slices: Map<string, EndpointSliceObject> | undefined): ServicePort[] {
    const spec = svc.spec ?? {};
    // ExternalName and headless Services have no virtual IP to program.
    if (spec.type === "ExternalName") return [];
    const clusterIPs = (spec.clusterIPs?.length ? spec.clusterIPs : spec.clusterIP ? [spec.clusterIP] : []).filter((ip) => ip && ip !== "None");
    if (!clusterIPs.length) return [];
    const nodePorts = spec.type === "NodePort" || spec.type === "LoadBalancer";
    const affinity = spec.sessionAffinity === "ClientIP" ? (spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? DEFAULT_AFFINITY_SECONDS) : undefined;
    const namespace = svc.metadata.namespace!;
    const name = svc.metadata.name!;
    return (spec.ports ?? []).map((p) => {
      const portName = p.name ?? "";
      const protocol = (p.protocol ?? "TCP") as Protocol;
      return {
        key: `${namespace}/${name}${portName ? `:${portName}` : ""}`,
        namespace,
        name,
        portName,
        protocol,
        port: p.port,
        clusterIPs,
        ...(nodePorts && p.nodePort ? { nodePort: p.nodePort } : {}),
        externalIPs: spec.externalIPs ?? [],
        loadBalancerIPs: (svc.status?.loadBalancer?.ingress ?? []).flatMap((i) => (i.ip ? [i.ip] : [])),
        ...(affinity !== undefined ? { affinitySeconds: affinity } : {}),
        externalPolicyLocal: spec.externalTrafficPolicy === "Local",
        internalPolicyLocal: spec.internalTrafficPolicy === "Local",
        endpoints: this.endpointsFor(slices, portName, protocol),
      };
    });
  }

  private endpointsFor(slices: Map<string, EndpointSliceObject> | undefined, portName: string, protocol: Protocol): Endpoint[] {
    const seen = new Set<string>();
    const out: Endpoint[] = [];
    for (const slice of slices?.values() ?? []) {
      if (slice.addressType === "FQDN") continue;
      const port = (slice.ports ?? []).find((p) => (p.name ?? "") === portName && (p.protocol ?? "TCP") === protocol)?.port;
      if (port === undefined) continue;
      for (const ep of slice.endpoints ?? []) {
        const ip = ep.addresses?.[0];
        if (!ip || seen.has(`${ip}:${port}`)) continue;
        seen.add(`${ip}:${port}`);
        const c = ep.conditions ?? {};
        // Unset conditions mean ready and serving, as the EndpointSlice API defines them.
        const ready = c.ready !== false;
        out.push({ ip, port, ready, serving: c.serving ?? ready, terminating: c.terminating === true, local: ep.nodeName === this.nodeName });
      }
    }
    return out.sort((a, b) => (a.ip === b.ip ? a.port - b.port : a.ip < b.ip ? -1 : 1));
  }
}
