import { findPort, isHeadless, isPodReady, podHostname, podIPs, shouldPodBeInEndpoints, type Pod, type Service } from "../../../../core/controller-manager/index.js";

export interface EndpointAddress {
  ip: string;
  hostname?: string;
  nodeName?: string;
  targetRef: { kind: "Pod"; namespace: string; name: string; uid: string };
}

export interface EndpointPort {
  name?: string;
  port: number;
  protocol: string;
  appProtocol?: string;
}

export interface EndpointSubset {
  addresses?: EndpointAddress[];
  notReadyAddresses?: EndpointAddress[];
  ports?: EndpointPort[];
}

/** Upstream's maxCapacity: an Endpoints object holds at most this many addresses. */
export const MAX_ENDPOINT_ADDRESSES = 1000;

/**
 * The subsets of a Service's Endpoints: every pod that should be in endpoints, ready or not
 * (publishNotReadyAddresses counts everyone ready), with the ports that resolve in that pod,
 * packed as upstream's RepackSubsets does — addresses sharing a port set share a subset — and
 * cut to 1000 addresses, ready ones first. `truncated` says whether anything was cut.
 */
export function desiredSubsets(svc: Service, pods: Pod[]): { subsets: EndpointSubset[]; truncated: boolean } {
  const ports = svc.spec?.ports ?? [];
  const publishNotReady = svc.spec?.publishNotReadyAddresses === true;
  // Address key → the address, its readiness and the ports it serves.
  const byAddress = new Map<string, { address: EndpointAddress; ready: boolean; ports: EndpointPort[] }>();
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, false)) continue;
    const ip = podIPs(pod)[0]!;
    const hostname = podHostname(pod, svc);
    const address: EndpointAddress = {
      ip,
      ...(hostname ? { hostname } : {}),
      ...(pod.spec?.nodeName ? { nodeName: pod.spec.nodeName } : {}),
      targetRef: { kind: "Pod", namespace: pod.metadata.namespace!, name: pod.metadata.name!, uid: pod.metadata.uid! },
    };
    const served: EndpointPort[] = [];
    for (const p of ports) {
      const port = findPort(pod, p);
      if (port === undefined) continue;
      served.push({ ...(p.name ? { name: p.name } : {}), port, protocol: p.protocol ?? "TCP", ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}) });
    }
    // A headless Service without ports still lists its pods; any other needs a port to reach.
    if (!served.length && !(isHeadless(svc) && !ports.length)) continue;
    byAddress.set(`${ip}/${pod.metadata.uid}`, { address, ready: publishNotReady || isPodReady(pod), ports: served });
  }

  const groups = new Map<string, EndpointSubset & { addresses: EndpointAddress[]; notReadyAddresses: EndpointAddress[] }>();
  for (const { address, ready, ports: served } of byAddress.values()) {
    const sorted = [...served].sort(comparePorts);
    const key = JSON.stringify(sorted);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { addresses: [], notReadyAddresses: [], ports: sorted }));
    (ready ? g.addresses : g.notReadyAddresses).push(address);
  }
  let budget = MAX_ENDPOINT_ADDRESSES;
  let truncated = false;
  const subsets = [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, g]) => g);
  // Ready addresses are kept before not-ready ones, across all subsets.
  for (const list of ["addresses", "notReadyAddresses"] as const) {
    for (const s of subsets) {
      s[list].sort((a, b) => compareAddresses(a, b));
      if (s[list].length > budget) {
        s[list].length = budget;
        truncated = true;
      }
      budget -= s[list].length;
    }
  }
  const out: EndpointSubset[] = subsets
    .filter((s) => s.addresses.length || s.notReadyAddresses.length)
    .map((s) => ({
      ...(s.addresses.length ? { addresses: s.addresses } : {}),
      ...(s.notReadyAddresses.length ? { notReadyAddresses: s.notReadyAddresses } : {}),
      ...(s.ports!.length ? { ports: s.ports } : {}),
    }));
  return { subsets: out, truncated };
}

function comparePorts(a: EndpointPort, b: EndpointPort): number {
  return (a.name ?? "").localeCompare(b.name ?? "") || a.port - b.port || a.protocol.localeCompare(b.protocol);
}

function compareAddresses(a: EndpointAddress, b: EndpointAddress): number {
  return a.ip.localeCompare(b.ip) || a.targetRef.uid.localeCompare(b.targetRef.uid);
}
