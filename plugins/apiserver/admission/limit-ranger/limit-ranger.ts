import { parseQuantity } from "../../../../core/api/quantity.js";
import { forbiddenMessage } from "../../../../core/api/status.js";
import type { AdmissionPlugin, AdmissionRequest } from "../../../../core/apiserver/chains.js";
import type { ApiServerHandle } from "../../../../core/apiserver/handle.js";

type Resources = Record<string, string>;
interface LimitRangeItem {
  type: string;
  max?: Resources;
  min?: Resources;
  default?: Resources;
  defaultRequest?: Resources;
  maxLimitRequestRatio?: Resources;
}
interface Container {
  name: string;
  resources?: { requests?: Resources; limits?: Resources };
}

const ANNOTATION = "kubernetes.io/limit-ranger";

/**
 * Upstream's LimitRanger: the namespace's LimitRanges default each new container's requests
 * and limits, then bound them (per container, per pod, per claim) by min, max and the
 * limit-to-request ratio, refusing with upstream's messages.
 */
export class LimitRanger implements AdmissionPlugin {
  constructor(private readonly handle: ApiServerHandle) {}

  async admit(req: AdmissionRequest): Promise<void> {
    if (!this.applies(req, "pods")) return;
    const items = await this.items(req.namespace!, "Container");
    if (!items.length) return;
    const spec = req.object!.spec;
    const notes: string[] = [];
    const apply = (list: Container[] | undefined, what: string) => {
      for (const c of list ?? []) {
        const setRequests: string[] = [];
        const setLimits: string[] = [];
        const limits: Resources = { ...c.resources?.limits };
        const requests: Resources = { ...c.resources?.requests };
        for (const item of items) {
          const d = withDefaults(item);
          for (const [r, v] of Object.entries(d.default)) {
            if (limits[r] !== undefined) continue;
            limits[r] = v;
            setLimits.push(r);
          }
          for (const [r, v] of Object.entries(d.defaultRequest)) {
            if (requests[r] !== undefined) continue;
            requests[r] = v;
            setRequests.push(r);
          }
        }
        c.resources = { ...c.resources, ...(Object.keys(limits).length ? { limits } : {}), ...(Object.keys(requests).length ? { requests } : {}) };
        if (setRequests.length) notes.push(`${setRequests.sort().join(", ")} request for ${what} ${c.name}`);
        if (setLimits.length) notes.push(`${setLimits.sort().join(", ")} limit for ${what} ${c.name}`);
      }
    };
    apply(spec.initContainers, "init container");
    apply(spec.containers, "container");
    if (notes.length) (req.object!.metadata.annotations ??= {})[ANNOTATION] = `LimitRanger plugin set: ${notes.join("; ")}`;
  }

  async validate(req: AdmissionRequest): Promise<void> {
    const errors: string[] = [];
    if (this.applies(req, "pods")) {
      const spec = req.object!.spec;
      const containers: Container[] = [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
      for (const item of await this.items(req.namespace!, "Container")) {
        for (const c of containers) errors.push(...bounds(item, "Container", c.resources?.requests ?? {}, c.resources?.limits ?? {}));
      }
      for (const item of await this.items(req.namespace!, "Pod")) {
        errors.push(...bounds(item, "Pod", sum(spec.containers ?? [], "requests"), sum(spec.containers ?? [], "limits")));
      }
    } else if (this.applies(req, "persistentvolumeclaims")) {
      const r = req.object!.spec.resources ?? {};
      for (const item of await this.items(req.namespace!, "PersistentVolumeClaim")) errors.push(...bounds(item, "PersistentVolumeClaim", r.requests ?? {}, r.limits ?? {}));
    }
    if (!errors.length) return;
    const why = errors.length === 1 ? errors[0]! : `[${errors.join(", ")}]`;
    throw forbiddenMessage({ group: "", resource: req.resource }, req.name ?? "", why);
  }

  private applies(req: AdmissionRequest, resource: string): boolean {
    // Containers cannot change after creation, so pods are judged once, as upstream does.
    return req.operation === "CREATE" && req.group === "" && req.resource === resource && !req.subresource && !!req.namespace && !!req.object?.spec;
  }

  private async items(namespace: string, type: string): Promise<LimitRangeItem[]> {
    const ranges = await this.handle.cluster.list("", "v1", "limitranges", namespace);
    return ranges.flatMap((lr) => (lr.spec?.limits ?? []) as LimitRangeItem[]).filter((i) => i.type === type);
  }
}

/** Upstream's LimitRangeItem defaulting: default limit from max, default request from the default limit, then from min. */
function withDefaults(item: LimitRangeItem): { default: Resources; defaultRequest: Resources } {
  const def: Resources = { ...item.max, ...item.default };
  const req: Resources = { ...item.min, ...def, ...item.defaultRequest };
  return { default: def, defaultRequest: req };
}

function sum(containers: Container[], field: "requests" | "limits"): Resources {
  const total: Record<string, number> = {};
  for (const c of containers) for (const [r, v] of Object.entries(c.resources?.[field] ?? {})) total[r] = (total[r] ?? 0) + parseQuantity(v);
  return Object.fromEntries(Object.entries(total).map(([r, v]) => [r, String(v)]));
}

/** min, max and ratio of one item over one set of requests and limits, in upstream's words. */
function bounds(item: LimitRangeItem, type: string, requests: Resources, limits: Resources): string[] {
  const errs: string[] = [];
  for (const [r, enforced] of Object.entries(item.min ?? {})) {
    const e = parseQuantity(enforced);
    if (requests[r] === undefined) errs.push(`minimum ${r} usage per ${type} is ${enforced}.  No request is specified`);
    else if (parseQuantity(requests[r]) < e) errs.push(`minimum ${r} usage per ${type} is ${enforced}, but request is ${requests[r]}`);
    else if (limits[r] !== undefined && parseQuantity(limits[r]) < e) errs.push(`minimum ${r} usage per ${type} is ${enforced}, but limit is ${limits[r]}`);
  }
  for (const [r, enforced] of Object.entries(item.max ?? {})) {
    const e = parseQuantity(enforced);
    if (limits[r] === undefined) errs.push(`maximum ${r} usage per ${type} is ${enforced}.  No limit is specified`);
    else if (parseQuantity(limits[r]) > e) errs.push(`maximum ${r} usage per ${type} is ${enforced}, but limit is ${limits[r]}`);
    else if (requests[r] !== undefined && parseQuantity(requests[r]) > e) errs.push(`maximum ${r} usage per ${type} is ${enforced}, but request is ${requests[r]}`);
  }
  for (const [r, enforced] of Object.entries(item.maxLimitRequestRatio ?? {})) {
    const req = requests[r] === undefined ? 0 : parseQuantity(requests[r]);
    const lim = limits[r] === undefined ? 0 : parseQuantity(limits[r]);
    if (limits[r] === undefined) continue;
    if (req === 0) errs.push(`${r} max limit to request ratio per ${type} is ${enforced}, but no request is specified or request is 0`);
    else if (lim / req > parseQuantity(enforced)) errs.push(`${r} max limit to request ratio per ${type} is ${enforced}, but provided ratio is ${(lim / req).toFixed(6)}`);
  }
  return errs;
}
