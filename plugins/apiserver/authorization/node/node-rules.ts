import type { RequestAttributes } from "../../../../core/apiserver/chains.js";

const READ = ["get", "list", "watch"];
type Rule = [verbs: string[], group: string, resources: string[]];

/**
 * What every node may do regardless of its pods (upstream's NodeRules, the `system:node`
 * role the Node authorizer carries itself); the object-level checks come first.
 */
const NODE_RULES: Rule[] = [
  [["create"], "authentication.k8s.io", ["tokenreviews"]],
  [["create"], "authorization.k8s.io", ["subjectaccessreviews", "localsubjectaccessreviews"]],
  [READ, "", ["services", "endpoints"]],
  [["create", "get", "list", "watch", "update", "patch"], "", ["nodes"]],
  [["update", "patch"], "", ["nodes/status"]],
  [["create", "update", "patch"], "", ["events"]],
  [["create", "update", "patch"], "events.k8s.io", ["events"]],
  [[...READ, "create", "delete"], "", ["pods"]],
  [["update", "patch"], "", ["pods/status"]],
  [["create"], "", ["pods/eviction"]],
  [["create", "get", "list", "watch"], "certificates.k8s.io", ["certificatesigningrequests"]],
  [["get", "create", "update", "patch", "delete"], "coordination.k8s.io", ["leases"]],
  [["get"], "storage.k8s.io", ["volumeattachments"]],
  [READ, "storage.k8s.io", ["csidrivers"]],
  [["get", "create", "update", "patch", "delete"], "storage.k8s.io", ["csinodes"]],
  [READ, "node.k8s.io", ["runtimeclasses"]],
];

export function nodeRulesAllow(attrs: RequestAttributes): boolean {
  if (!attrs.resourceRequest) return false;
  const resource = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource!;
  return NODE_RULES.some(([verbs, group, resources]) => verbs.includes(attrs.verb) && group === (attrs.apiGroup ?? "") && resources.includes(resource));
}
