import type { Authorizer, Decision, RequestAttributes, RuleSet, UserInfo } from "../../../../core/apiserver/chains.js";
import { describeSubjectOf, type PolicyIndex } from "./policy.js";
import { ruleAllows } from "./rules.js";

/**
 * Upstream's RBAC authorizer: allows when a rule of a role bound to the user (or one of
 * its groups) matches; otherwise no opinion, naming bindings whose roles are missing.
 */
export class RbacAuthorizer implements Authorizer {
  constructor(private readonly policy: PolicyIndex) {}

  authorize(attrs: RequestAttributes): Decision {
    let reason = "";
    const errors: string[] = [];
    this.policy.visit(attrs.user, attrs.resourceRequest ? attrs.namespace : undefined, (v) => {
      if ("error" in v) {
        errors.push(v.error);
        return false;
      }
      if (!v.rules.some((r) => ruleAllows(attrs, r))) return false;
      // Upstream names a RoleBinding "name/namespace" and a ClusterRoleBinding by name alone.
      const binding = v.binding.namespace ? `${v.binding.name}/${v.binding.namespace}` : v.binding.name;
      reason = `RBAC: allowed by ${v.binding.kind} "${binding}" of ${v.roleKind} "${v.roleName}" to ${describeSubjectOf(attrs.user, v.binding)}`;
      return true;
    });
    if (reason) return { decision: "allow", reason };
    return { decision: "no-opinion", ...(errors.length ? { reason: `RBAC: [${errors.join(", ")}]` } : {}) };
  }

  /** Each rule split as authorization.k8s.io lists them: resource rules and non-resource rules apart. */
  rulesFor(user: UserInfo, namespace: string): RuleSet {
    const { rules, errors } = this.policy.rulesFor(user, namespace);
    const out: RuleSet = { resourceRules: [], nonResourceRules: [], incomplete: errors.length > 0 };
    for (const r of rules) {
      if (r.resources?.length) {
        out.resourceRules.push({ verbs: r.verbs, apiGroups: r.apiGroups ?? [], resources: r.resources, ...(r.resourceNames?.length ? { resourceNames: r.resourceNames } : {}) });
      }
      if (r.nonResourceURLs?.length) out.nonResourceRules.push({ verbs: r.verbs, nonResourceURLs: r.nonResourceURLs });
    }
    return out;
  }
}
