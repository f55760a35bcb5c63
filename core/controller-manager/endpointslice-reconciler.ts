import type { KubeObject } from "../client/index.js";

/**
 * EndpointSlice shapes and the reconciler both slice controllers share (upstream's
 * staging/src/k8s.io/endpointslice): the endpointslice controller for Services with a selector,
 * the mirroring controller for hand-written Endpoints.
 */

export type AddressType = "IPv4" | "IPv6";

/** The labels every controller-written slice carries: its Service, and which controller manages it. */
export const SERVICE_NAME_LABEL = "kubernetes.io/service-name";
export const MANAGED_BY_LABEL = "endpointslice.kubernetes.io/managed-by";

export interface SlicePort {
  name: string;
  port: number;
  protocol: string;
  appProtocol?: string;
}

export interface SliceEndpoint {
  addresses: string[];
  conditions: { ready?: boolean; serving?: boolean; terminating?: boolean };
  hostname?: string;
  nodeName?: string;
  zone?: string;
  targetRef?: { kind: string; namespace?: string; name: string; uid?: string };
  hints?: { forZones?: { name: string }[]; forNodes?: { name: string }[] };
}

/** Endpoints that share an address type and a port set share slices (upstream's endpointMeta). */
export interface EndpointGroup {
  key: string;
  addressType: AddressType;
  ports: SlicePort[];
  endpoints: SliceEndpoint[];
}

export function groupKey(addressType: string, ports: SlicePort[]): string {
  return `${addressType}|${JSON.stringify([...ports].sort(comparePorts))}`;
}

export function comparePorts(a: SlicePort, b: SlicePort): number {
  return a.name.localeCompare(b.name) || a.port - b.port || a.protocol.localeCompare(b.protocol);
}


export interface EndpointSlice extends KubeObject {
  addressType: AddressType | "FQDN";
  endpoints?: SliceEndpoint[] | null;
  ports?: SlicePort[] | null;
}

export interface SlicePlan {
  /** New slices, without names: the API server generates them. */
  create: { addressType: AddressType; ports: SlicePort[]; endpoints: SliceEndpoint[] }[];
  /** Existing slices with their new endpoints. */
  update: { slice: EndpointSlice; endpoints: SliceEndpoint[] }[];
  delete: EndpointSlice[];
  /** Existing slices left as they are. */
  keep: EndpointSlice[];
}

const endpointKey = (e: SliceEndpoint) => e.addresses.join(",");
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Upstream's reconciler, aiming at few writes: an endpoint stays in the slice that holds it
 * (updated in place if it changed), slices that lose everything are deleted, and new endpoints
 * go first into slices already being written, then into one unchanged slice with room for all
 * of them, and only then into new slices of at most `max`. With `placeholderType`, a Service with
 * no endpoints at all keeps one empty slice of that address type, as upstream's endpointslice
 * controller does (its mirroring controller keeps none).
 */
export function planSlices(existing: EndpointSlice[], groups: EndpointGroup[], max: number, placeholderType?: AddressType): SlicePlan {
  const plan: SlicePlan = { create: [], update: [], delete: [], keep: [] };
  const existingByGroup = new Map<string, EndpointSlice[]>();
  for (const s of existing) {
    const key = groupKey(s.addressType, s.ports ?? []);
    existingByGroup.set(key, [...(existingByGroup.get(key) ?? []), s]);
  }

  for (const group of groups) {
    const wanted = new Map(group.endpoints.map((e) => [endpointKey(e), e]));
    const updating: { slice: EndpointSlice; endpoints: SliceEndpoint[] }[] = [];
    const unchanged: EndpointSlice[] = [];
    for (const slice of existingByGroup.get(group.key) ?? []) {
      let changed = false;
      const kept: SliceEndpoint[] = [];
      for (const e of slice.endpoints ?? []) {
        const want = wanted.get(endpointKey(e));
        if (!want) {
          changed = true;
          continue;
        }
        wanted.delete(endpointKey(e));
        if (!same(want, e)) changed = true;
        kept.push(want);
      }
      if (!kept.length) plan.delete.push(slice);
      else if (changed) updating.push({ slice, endpoints: kept });
      else unchanged.push(slice);
    }
    existingByGroup.delete(group.key);

    const fresh = [...wanted.values()];
    for (const u of updating) while (fresh.length && u.endpoints.length < max) u.endpoints.push(fresh.shift()!);
    if (fresh.length) {
      // One unchanged slice that can take every remaining endpoint saves a create; the fullest such does.
      const roomy = unchanged.filter((s) => (s.endpoints?.length ?? 0) + fresh.length <= max).sort((a, b) => (b.endpoints?.length ?? 0) - (a.endpoints?.length ?? 0))[0];
      if (roomy) {
        unchanged.splice(unchanged.indexOf(roomy), 1);
        updating.push({ slice: roomy, endpoints: [...(roomy.endpoints ?? []), ...fresh.splice(0)] });
      }
    }
    while (fresh.length) plan.create.push({ addressType: group.addressType, ports: group.ports, endpoints: fresh.splice(0, max) });
    plan.update.push(...updating);
    plan.keep.push(...unchanged);
  }
  for (const stale of existingByGroup.values()) plan.delete.push(...stale);

  if (placeholderType && !plan.create.length && !plan.update.length && !plan.keep.length) {
    const reusable = plan.delete.find((s) => s.addressType === placeholderType);
    if (reusable) {
      plan.delete.splice(plan.delete.indexOf(reusable), 1);
      if ((reusable.endpoints?.length ?? 0) === 0 && (reusable.ports?.length ?? 0) === 0) plan.keep.push(reusable);
      else plan.update.push({ slice: { ...reusable, ports: [] }, endpoints: [] });
    } else plan.create.push({ addressType: placeholderType, ports: [], endpoints: [] });
  }
  return plan;
}
