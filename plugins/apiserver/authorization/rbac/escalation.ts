import type { AdmissionRequest, UserInfo } from "../../../../core/apiserver/chains.js";
import type { ClusterObjects } from "../../../../core/apiserver/cluster-objects.js";
import { forbiddenMessage } from "../../../../core/api/status.js";
import type { PolicyIndex } from "./policy.js";
import { compact, compactString, goQuoted, uncovered, type PolicyRule } from "./rules.js";

const RBAC = "rbac.authorization.k8s.io";
const MASTERS = "system:masters";
const FULL_AUTHORITY: PolicyRule[] = [
  { verbs: ["*"], apiGroups: ["*"], resources: ["*"] },
  { verbs: ["*"], nonResourceURLs: ["*"] },
];

/**
 * Upstream's policy-based RBAC storage: a user may write a role only with rules it already
 * holds (or the `escalate` verb on it), and a binding only to a role whose rules it holds
 * (or the `bind` verb on that role). The writer's own rules come from RBAC alone, as
 * upstream's rule resolver gives them; `system:masters` is exempt.
 */
export function guardRbacWrites(objects: ClusterObjects, policy: PolicyIndex, synced: Promise<void>): void {
  const rolesGuard = async (req: AdmissionRequest) => {
    if (!writes(req) || req.user.groups.includes(MASTERS)) return;
    const obj = req.object!;
    if (onlyGarbageCollectorFields(req)) return;
    const namespace = req.resource === "roles" ? req.namespace : undefined;
    if (await objects.allowed({ user: req.user, verb: "escalate", resourceRequest: true, path: "", apiGroup: RBAC, resource: req.resource, ...(namespace ? { namespace } : {}), name: req.name ?? "" })) return;
    await synced;
    const held = policy.rulesFor(req.user, namespace ?? "");
    if ((obj.aggregationRule || req.oldObject?.aggregationRule) && uncovered(held.rules, FULL_AUTHORITY).length) {
      throw forbiddenMessage({ group: RBAC, resource: req.resource }, req.name ?? "", "must have cluster-admin privileges to use the aggregationRule");
    }
    confirmNoEscalation(req, held, obj.rules ?? []);
  };

  const bindingsGuard = async (req: AdmissionRequest) => {
    if (!writes(req) || req.user.groups.includes(MASTERS)) return;
    const obj = req.object!;
    if (onlyGarbageCollectorFields(req)) return;
    const ref = obj.roleRef ?? {};
    const namespace = req.resource === "rolebindings" ? req.namespace : undefined;
    const roleResource = ref.kind === "ClusterRole" ? "clusterroles" : "roles";
    if (await objects.allowed({ user: req.user, verb: "bind", resourceRequest: true, path: "", apiGroup: RBAC, resource: roleResource, ...(namespace ? { namespace } : {}), name: ref.name ?? "" })) return;
    await synced;
    const rules = policy.roleRules(ref.kind, namespace, ref.name);
    if (!rules) throw forbiddenMessage({ group: RBAC, resource: req.resource }, req.name ?? "", `${String(ref.kind).toLowerCase()}.${RBAC} "${ref.name}" not found`);
    confirmNoEscalation(req, policy.rulesFor(req.user, namespace ?? ""), rules);
  };

  objects.guardWrites(RBAC, "roles", rolesGuard);
  objects.guardWrites(RBAC, "clusterroles", rolesGuard);
  objects.guardWrites(RBAC, "rolebindings", bindingsGuard);
  objects.guardWrites(RBAC, "clusterrolebindings", bindingsGuard);
}

const writes = (req: AdmissionRequest) => (req.operation === "CREATE" || req.operation === "UPDATE") && !req.subresource && !!req.object;

/** Upstream lets an update through unchecked when it changes only what the garbage collector writes. */
function onlyGarbageCollectorFields(req: AdmissionRequest): boolean {
  if (req.operation !== "UPDATE" || !req.oldObject) return false;
  const strip = (o: Record<string, any>) => {
    const { ownerReferences: _o, finalizers: _f, managedFields: _m, resourceVersion: _r, ...metadata } = o.metadata ?? {};
    return JSON.stringify({ ...o, metadata });
  };
  return strip(req.object!) === strip(req.oldObject);
}

function confirmNoEscalation(req: AdmissionRequest, held: { rules: PolicyRule[]; errors: string[] }, wanted: PolicyRule[]): void {
  const missing = compact(uncovered(held.rules, wanted)).map(compactString).sort();
  if (!missing.length) return;
  let message = `${describe(req.user)} is attempting to grant RBAC permissions not currently held:\n${missing.join("\n")}`;
  if (held.errors.length) message += `; resolution errors: [${held.errors.join(" ")}]`;
  throw forbiddenMessage({ group: RBAC, resource: req.resource }, req.name ?? "", message);
}

const describe = (user: UserInfo) => `user "${user.name}" (groups=${goQuoted(user.groups)})`;
