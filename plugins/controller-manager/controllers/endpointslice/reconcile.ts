import type { KubeObject } from "../../../../core/client/index.js";
import { groupKey, type AddressType, type EndpointGroup, type SliceEndpoint, type SlicePort } from "./desired-endpoints.js";

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
 * of them, and only then into new slices of at most `max`. A Service with no endpoints at all
 * keeps one empty placeholder slice of its first address type, as upstream does.
 */
export function planSlices(existing: EndpointSlice[], groups: EndpointGroup[], max: number, placeholderType: AddressType): SlicePlan {
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

  if (!plan.create.length && !plan.update.length && !plan.keep.length) {
    const reusable = plan.delete.find((s) => s.addressType === placeholderType);
    if (reusable) {
      plan.delete.splice(plan.delete.indexOf(reusable), 1);
      if ((reusable.endpoints?.length ?? 0) === 0 && (reusable.ports?.length ?? 0) === 0) plan.keep.push(reusable);
      else plan.update.push({ slice: { ...reusable, ports: [] }, endpoints: [] });
    } else plan.create.push({ addressType: placeholderType, ports: [], endpoints: [] });
  }
  return plan;
}
