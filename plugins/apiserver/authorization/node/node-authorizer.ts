import type { Authorizer, Decision, RequestAttributes, RuleSet, UserInfo } from "../../../../core/apiserver/chains.js";
import type { NodeGraph } from "./node-graph.js";
import { nodeRulesAllow } from "./node-rules.js";

const NODES_GROUP = "system:nodes";
const NODE_PREFIX = "system:node:";
const LEASE_NAMESPACE = "kube-node-lease";

/** The node a user is, as upstream's NodeIdentifier tells: `system:node:<name>` in `system:nodes`. */
export function nodeOf(user: UserInfo): string | undefined {
  if (!user.groups.includes(NODES_GROUP) || !user.name.startsWith(NODE_PREFIX)) return undefined;
  return user.name.slice(NODE_PREFIX.length) || undefined;
}

/**
 * Upstream's Node authorizer: a kubelet reaches its own Node and Lease, the pods bound to it,
 * and the secrets, config maps, claims and service-account tokens those pods reference,
 * plus what every node may do. Anything else is no opinion, with the reason upstream gives.
 */
export class NodeAuthorizer implements Authorizer {
  constructor(private readonly graph: NodeGraph) {}

  authorize(attrs: RequestAttributes): Decision {
    const node = nodeOf(attrs.user);
    if (!node || !attrs.resourceRequest) return { decision: "no-opinion" };
    const group = attrs.apiGroup ?? "";
    const ns = attrs.namespace ?? "";
    const name = attrs.name ?? "";
    const related = (resource: string) => this.graph.reaches(node, resource, ns, name);
    const unrelated = { decision: "no-opinion" as const, reason: `no relationship found between node '${node}' and this object` };
    const allowIf = (ok: boolean): Decision => (ok ? { decision: "allow" } : unrelated);

    if (group === "" && ["secrets", "configmaps", "persistentvolumeclaims"].includes(attrs.resource!)) {
      if (attrs.verb !== "get" || attrs.subresource || !name) return { decision: "no-opinion", reason: `can only get individual resources of this type` };
      return allowIf(related(attrs.resource!));
    }
    if (group === "" && attrs.resource === "serviceaccounts") {
      if (attrs.subresource !== "token" || attrs.verb !== "create") return { decision: "no-opinion", reason: "can only create tokens for individual service accounts" };
      return allowIf(related("serviceaccounts"));
    }
    if (group === "" && attrs.resource === "pods" && name && (attrs.verb === "get" || attrs.subresource === "status" || attrs.subresource === "eviction")) {
      if (!related("pods")) return unrelated;
    }
    if (group === "" && attrs.resource === "nodes" && name && name !== node) {
      return { decision: "no-opinion", reason: `node '${node}' cannot ${attrs.verb} node '${name}'` };
    }
    if (group === "coordination.k8s.io" && attrs.resource === "leases") {
      if (ns !== LEASE_NAMESPACE || (name && name !== node)) return { decision: "no-opinion", reason: `can only access node lease with the same name as the requesting node` };
    }
    if (group === "storage.k8s.io" && attrs.resource === "csinodes" && name && name !== node) {
      return { decision: "no-opinion", reason: `can only access CSINode with the same name as the requesting node` };
    }
    return nodeRulesAllow(attrs) ? { decision: "allow" } : { decision: "no-opinion" };
  }

  /** Nothing for other users; a node's rights depend on its pods, so its list is incomplete, as upstream says. */
  rulesFor(user: UserInfo): RuleSet {
    return { resourceRules: [], nonResourceRules: [], incomplete: nodeOf(user) !== undefined };
  }
}
