import {
  comparePorts,
  findPort,
  groupKey,
  isPodReady,
  podHostname,
  podIPs,
  shouldPodBeInEndpoints,
  type AddressType,
  type EndpointGroup,
  type Pod,
  type Service,
  type SliceEndpoint,
  type SlicePort,
} from "../../../../core/controller-manager/index.js";

export const ZONE_LABEL = "topology.kubernetes.io/zone";

/** The address families a Service's slices are kept for: its ipFamilies, else its clusterIP's. */
export function serviceAddressTypes(svc: Service): AddressType[] {
  const families = svc.spec?.ipFamilies?.filter((f): f is AddressType => f === "IPv4" || f === "IPv6");
  if (families?.length) return families;
  return svc.spec?.clusterIP?.includes(":") ? ["IPv6"] : ["IPv4"];
}

/**
 * What a Service's slices should hold, grouped: each pod that should be in endpoints (terminating
 * ones too, with their conditions), once per address family it has an IP in, with the ports that
 * resolve in it, its node and zone, and the hints the Service's trafficDistribution asks for.
 */
export function desiredGroups(svc: Service, pods: Pod[], zoneOfNode: (name: string) => string | undefined): EndpointGroup[] {
  const groups = new Map<string, EndpointGroup>();
  const publishNotReady = svc.spec?.publishNotReadyAddresses === true;
  const families = serviceAddressTypes(svc);
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, true)) continue;
    const ports: SlicePort[] = [];
    for (const p of svc.spec?.ports ?? []) {
      const port = findPort(pod, p);
      if (port === undefined) continue;
      ports.push({ name: p.name ?? "", port, protocol: p.protocol ?? "TCP", ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}) });
    }
    ports.sort(comparePorts);
    const terminating = !!pod.metadata.deletionTimestamp;
    const serving = publishNotReady || isPodReady(pod);
    const nodeName = pod.spec?.nodeName;
    const zone = nodeName ? zoneOfNode(nodeName) : undefined;
    const hostname = podHostname(pod, svc);
    for (const family of families) {
      const ip = podIPs(pod).find((a) => a.includes(":") === (family === "IPv6"));
      if (!ip) continue;
      const key = groupKey(family, ports);
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { key, addressType: family, ports, endpoints: [] }));
      g.endpoints.push({
        addresses: [ip],
        conditions: { ready: publishNotReady || (serving && !terminating), serving, terminating },
        ...(hostname ? { hostname } : {}),
        ...(nodeName ? { nodeName } : {}),
        ...(zone ? { zone } : {}),
        targetRef: { kind: "Pod", namespace: pod.metadata.namespace!, name: pod.metadata.name!, uid: pod.metadata.uid! },
      });
    }
  }
  for (const g of groups.values()) addHints(svc, g.endpoints);
  return [...groups.values()];
}

/**
 * trafficDistribution PreferClose (or PreferSameZone) hints each endpoint to its own zone,
 * PreferSameNode to its node too; as upstream, hints are left off a group in which some
 * endpoint has no zone (or node), since a partial set would strand traffic.
 */
function addHints(svc: Service, endpoints: SliceEndpoint[]): void {
  const td = svc.spec?.trafficDistribution;
  if (td !== "PreferClose" && td !== "PreferSameZone" && td !== "PreferSameNode") return;
  if (!endpoints.every((e) => e.zone)) return;
  const byNode = td === "PreferSameNode" && endpoints.every((e) => e.nodeName);
  for (const e of endpoints) e.hints = { forZones: [{ name: e.zone! }], ...(byNode ? { forNodes: [{ name: e.nodeName! }] } : {}) };
}
