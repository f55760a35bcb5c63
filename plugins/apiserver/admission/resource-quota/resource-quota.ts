import { parseQuantity } from "../../../../core/api/quantity.js";
import { formatQuantity, usageOf, type Usage } from "../../../../core/api/quota-usage.js";
import { forbiddenMessage } from "../../../../core/api/status.js";
import type { AdmissionPlugin, AdmissionRequest } from "../../../../core/apiserver/chains.js";
import type { ApiServerHandle } from "../../../../core/apiserver/handle.js";

type Obj = Record<string, any>;
/** Quota keys a pod's containers must state when a quota limits them. */
const MUST_SPECIFY: Record<string, (c: Obj) => boolean> = {
  "requests.cpu": (c) => c.resources?.requests?.cpu !== undefined,
  cpu: (c) => c.resources?.requests?.cpu !== undefined,
  "requests.memory": (c) => c.resources?.requests?.memory !== undefined,
  memory: (c) => c.resources?.requests?.memory !== undefined,
  "limits.cpu": (c) => c.resources?.limits?.cpu !== undefined,
  "limits.memory": (c) => c.resources?.limits?.memory !== undefined,
};

/**
 * Upstream's ResourceQuota admission: a new object's usage is checked against every quota of
 * its namespace (status.used + requested ≤ hard) and, once all agree, charged to each quota's
 * status.used, so two creates racing cannot both take the last unit. The quota controller
 * recomputes status.used from what exists, releasing what deletes and failed creates held.
 */
export class ResourceQuotaAdmission implements AdmissionPlugin {
  constructor(private readonly handle: ApiServerHandle) {}

  async validate(req: AdmissionRequest): Promise<void> {
    if (req.operation !== "CREATE" || req.subresource || !req.namespace || !req.object) return;
    const quotas = await this.handle.cluster.list("", "v1", "resourcequotas", req.namespace);
    if (!quotas.length) return;
    const usage = usageOf(req.group, req.resource, req.object);
    const charges: { quota: Obj; delta: Usage }[] = [];
    for (const quota of quotas) {
      const hard: Record<string, string> = quota.spec?.hard ?? {};
      const constrained = Object.keys(hard).filter((k) => usage[k] !== undefined);
      this.checkSpecified(req, quota, hard);
      if (!constrained.length) continue;
      const used: Record<string, string> | undefined = quota.status?.used;
      const statusHard: Record<string, string> | undefined = quota.status?.hard;
      const unknown = constrained.filter((k) => used?.[k] === undefined || statusHard?.[k] === undefined);
      if (unknown.length) throw this.forbid(req, `status unknown for quota: ${quota.metadata.name}, resources: ${unknown.sort().join(", ")}`);
      const exceeded = constrained.filter((k) => parseQuantity(used![k]!) + usage[k]! > parseQuantity(hard[k]!)).sort();
      if (exceeded.length) {
        const list = (f: (k: string) => string) => exceeded.map((k) => `${k}=${f(k)}`).join(",");
        throw this.forbid(
          req,
          `exceeded quota: ${quota.metadata.name}, requested: ${list((k) => formatQuantity(k, usage[k]!))}, used: ${list((k) => used![k]!)}, limited: ${list((k) => hard[k]!)}`,
        );
      }
      charges.push({ quota, delta: Object.fromEntries(constrained.map((k) => [k, usage[k]!])) });
    }
    if (req.dryRun) return;
    for (const { quota, delta } of charges) await this.charge(quota, delta);
  }

  /** A pod under a quota on cpu or memory must say how much of it each container asks for. */
  private checkSpecified(req: AdmissionRequest, quota: Obj, hard: Record<string, string>): void {
    if (req.group !== "" || req.resource !== "pods") return;
    const containers: Obj[] = [...(req.object!.spec?.initContainers ?? []), ...(req.object!.spec?.containers ?? [])];
    const missing: string[] = [];
    for (const key of Object.keys(hard).sort()) {
      const has = MUST_SPECIFY[key];
      if (!has) continue;
      const without = containers.filter((c) => !has(c)).map((c) => c.name);
      if (without.length) missing.push(`${key} for: ${without.join(",")}`);
    }
    if (missing.length) throw this.forbid(req, `failed quota: ${quota.metadata.name}: must specify ${missing.join("; ")}`);
  }

  private async charge(quota: Obj, delta: Usage): Promise<void> {
    await this.handle.cluster.updateStatus("", "v1", "resourcequotas", quota.metadata.namespace, quota.metadata.name, (current) => {
      const used: Record<string, string> = { ...current.status?.used };
      for (const [k, v] of Object.entries(delta)) used[k] = formatQuantity(k, parseQuantity(used[k] ?? "0") + v);
      return { ...current, status: { ...current.status, used } };
    });
  }

  private forbid(req: AdmissionRequest, why: string) {
    return forbiddenMessage({ group: req.group, resource: req.resource }, req.name ?? "", why);
  }
}
