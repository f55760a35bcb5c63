import { isIPv4, isIPv6 } from "node:net";
import { comparePorts, groupKey, type AddressType, type EndpointGroup, type SliceEndpoint, type SlicePort } from "../../../../core/controller-manager/index.js";

interface Address {
  ip: string;
  hostname?: string;
  nodeName?: string;
  targetRef?: { kind?: string; namespace?: string; name?: string; uid?: string };
}

export interface EndpointSubset {
  addresses?: Address[];
  notReadyAddresses?: Address[];
  ports?: { name?: string; port: number; protocol?: string; appProtocol?: string }[];
}

/**
 * The slices' contents for an Endpoints object: each subset's addresses with `ready` as the
 * subset says, grouped by address family and port set, at most `maxPerSubset` addresses of a
 * subset (ready first). Addresses that are not IPs are skipped, as upstream skips them.
 * `skipped` counts what was left out, for the over-capacity warning.
 */
export function mirroredGroups(subsets: EndpointSubset[], maxPerSubset: number): { groups: EndpointGroup[]; skipped: number } {
  const groups = new Map<string, EndpointGroup>();
  let skipped = 0;
  for (const subset of subsets) {
    const ports: SlicePort[] = (subset.ports ?? [])
      .map((p) => ({ name: p.name ?? "", port: p.port, protocol: p.protocol ?? "TCP", ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}) }))
      .sort(comparePorts);
    const all = [...(subset.addresses ?? []).map((a) => [a, true] as const), ...(subset.notReadyAddresses ?? []).map((a) => [a, false] as const)];
    skipped += Math.max(0, all.length - maxPerSubset);
    for (const [a, ready] of all.slice(0, maxPerSubset)) {
      const family: AddressType | undefined = isIPv4(a.ip) ? "IPv4" : isIPv6(a.ip) ? "IPv6" : undefined;
      if (!family) continue;
      const key = groupKey(family, ports);
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { key, addressType: family, ports, endpoints: [] }));
      const endpoint: SliceEndpoint = {
        addresses: [a.ip],
        conditions: { ready },
        ...(a.hostname ? { hostname: a.hostname } : {}),
        ...(a.nodeName ? { nodeName: a.nodeName } : {}),
        ...(a.targetRef?.name && a.targetRef.kind ? { targetRef: { ...a.targetRef, kind: a.targetRef.kind, name: a.targetRef.name } } : {}),
      };
      // The same address in two subsets with the same ports is one endpoint.
      if (!g.endpoints.some((e) => e.addresses[0] === a.ip)) g.endpoints.push(endpoint);
    }
  }
  return { groups: [...groups.values()], skipped };
}
