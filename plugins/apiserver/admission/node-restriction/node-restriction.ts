import { isDeepStrictEqual } from "node:util";
import { forbiddenMessage } from "../../../../core/api/status.js";
import type { AdmissionPlugin, AdmissionRequest } from "../../../../core/apiserver/chains.js";
import type { ApiServerHandle } from "../../../../core/apiserver/handle.js";

const NODE_PREFIX = "system:node:";
const MIRROR = "kubernetes.io/config.mirror";
const RESTRICTED_LABEL_DOMAIN = "node-restriction.kubernetes.io/";

type Obj = Record<string, any>;

/** The node a request comes from: a user `system:node:<name>` in group `system:nodes`. */
export function nodeOf(user: AdmissionRequest["user"]): string | undefined {
  if (!user.groups.includes("system:nodes") || !user.name.startsWith(NODE_PREFIX)) return undefined;
  return user.name.slice(NODE_PREFIX.length) || undefined;
}

/**
 * Upstream's NodeRestriction: a kubelet's credentials reach its own Node, its own Lease, the
 * pods bound to it (status, eviction, deletion) and mirror pods of its static manifests, and
 * nothing another node owns. It reads only the request's user and objects, so it works with
 * whichever authorizer let the request through.
 */
export class NodeRestriction implements AdmissionPlugin {
  constructor(private readonly handle: ApiServerHandle) {}

  async validate(req: AdmissionRequest): Promise<void> {
    const node = nodeOf(req.user);
    if (!node) return;
    const forbid = (why: string) => forbiddenMessage({ group: req.group, resource: req.resource }, req.name ?? "", why);
    if (req.group === "" && req.resource === "nodes") return this.nodes(req, node, forbid);
    if (req.group === "" && req.resource === "pods") return this.pods(req, node, forbid);
    if (req.group === "coordination.k8s.io" && req.resource === "leases" && req.namespace === "kube-node-lease" && req.name !== node) {
      throw forbid("can only access node lease with the same name as the requesting node");
    }
  }

  private nodes(req: AdmissionRequest, node: string, forbid: (why: string) => Error): void {
    if (req.name !== node) throw forbid(`node ${JSON.stringify(node)} is not allowed to modify node ${JSON.stringify(req.name)}`);
    if (req.operation !== "CREATE" && req.operation !== "UPDATE") return;
    const labels = Object.keys(req.object?.metadata?.labels ?? {});
    const oldLabels: Obj = req.oldObject?.metadata?.labels ?? {};
    const restricted = labels.filter((l) => isRestrictedLabel(l) && req.object!.metadata.labels[l] !== oldLabels[l]).sort();
    if (restricted.length) throw forbid(`is not allowed to modify labels: ${restricted.join(", ")}`);
    if (req.operation === "UPDATE" && !req.subresource && !isDeepStrictEqual(req.object?.spec?.taints ?? [], req.oldObject?.spec?.taints ?? [])) {
      throw forbid(`node ${JSON.stringify(node)} is not allowed to modify taints`);
    }
  }

  private async pods(req: AdmissionRequest, node: string, forbid: (why: string) => Error): Promise<void> {
    const pod = req.object ?? req.oldObject;
    const boundHere = pod?.spec?.nodeName === node;
    if (req.subresource === "status") {
      if (!boundHere) throw forbid(`node ${JSON.stringify(node)} can only update pod status for pods with spec.nodeName set to itself`);
      return;
    }
    if (req.subresource === "eviction") {
      const target = req.name ? await this.handle.cluster.get("", "v1", "pods", req.namespace, req.name) : undefined;
      if (target?.spec?.nodeName !== node) throw forbid(`node ${JSON.stringify(node)} can only evict pods with spec.nodeName set to itself`);
      return;
    }
    if (req.subresource) throw forbid(`node ${JSON.stringify(node)} is not allowed to ${req.operation.toLowerCase()} pods/${req.subresource}`);
    switch (req.operation) {
      case "CREATE": {
        const spec = req.object?.spec ?? {};
        if (req.object?.metadata?.annotations?.[MIRROR] === undefined) throw forbid(`pod does not have "${MIRROR}" annotation, node ${JSON.stringify(node)} can only create mirror pods`);
        if (spec.nodeName !== node) throw forbid(`node ${JSON.stringify(node)} can only create pods with spec.nodeName set to itself`);
        if (spec.serviceAccountName && spec.serviceAccountName !== "default") throw forbid(`node ${JSON.stringify(node)} can not create pods that use service accounts`);
        const volumes: Obj[] = spec.volumes ?? [];
        if (volumes.some((v) => v.secret)) throw forbid(`node ${JSON.stringify(node)} can not create pods that reference secrets`);
        if (volumes.some((v) => v.configMap)) throw forbid(`node ${JSON.stringify(node)} can not create pods that reference configmaps`);
        if (volumes.some((v) => v.persistentVolumeClaim)) throw forbid(`node ${JSON.stringify(node)} can not create pods that reference persistentvolumeclaims`);
        return;
      }
      case "DELETE":
        if (!boundHere) throw forbid(`node ${JSON.stringify(node)} can only delete pods with spec.nodeName set to itself`);
        return;
      default:
        throw forbid(`unexpected operation ${req.operation}, node ${JSON.stringify(node)} can only create and delete mirror pods`);
    }
  }
}

/** Labels under node-restriction.kubernetes.io/ are the administrator's, never the kubelet's. */
function isRestrictedLabel(label: string): boolean {
  const prefix = label.includes("/") ? label.slice(0, label.indexOf("/") + 1) : "";
  return prefix === RESTRICTED_LABEL_DOMAIN || prefix.endsWith(`.${RESTRICTED_LABEL_DOMAIN}`);
}
