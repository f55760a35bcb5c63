import type { UserInfo } from "../chains.js";
import type { RequestInfo } from "../http/request-info.js";

export type AuditLevel = "None" | "Metadata" | "Request" | "RequestResponse";
export type AuditStage = "RequestReceived" | "ResponseStarted" | "ResponseComplete" | "Panic";

/** audit.k8s.io/v1 PolicyRule. */
export interface PolicyRule {
  level: AuditLevel;
  users?: string[];
  userGroups?: string[];
  verbs?: string[];
  resources?: { group?: string; resources?: string[]; resourceNames?: string[] }[];
  namespaces?: string[];
  nonResourceURLs?: string[];
  omitStages?: AuditStage[];
  omitManagedFields?: boolean;
}

/** audit.k8s.io/v1 Policy, as `components.apiserver.config.auditPolicy` embeds it. */
export interface AuditPolicy {
  apiVersion?: string;
  kind?: string;
  rules?: PolicyRule[];
  omitStages?: AuditStage[];
  omitManagedFields?: boolean;
}

export interface AuditDecision {
  level: AuditLevel;
  omitStages: ReadonlySet<AuditStage>;
  omitManagedFields: boolean;
}

const NONE: AuditDecision = { level: "None", omitStages: new Set(), omitManagedFields: false };
const LEVELS = new Set<AuditLevel>(["None", "Metadata", "Request", "RequestResponse"]);

/** Checks a policy's shape once at start, so a typo fails the server rather than silently auditing nothing. */
export function checkPolicy(policy: AuditPolicy): string[] {
  const problems: string[] = [];
  if (policy.apiVersion !== undefined && policy.apiVersion !== "audit.k8s.io/v1") problems.push(`auditPolicy.apiVersion: must be audit.k8s.io/v1, not ${policy.apiVersion}`);
  if (policy.kind !== undefined && policy.kind !== "Policy") problems.push(`auditPolicy.kind: must be Policy, not ${policy.kind}`);
  (policy.rules ?? []).forEach((r, i) => {
    if (!LEVELS.has(r.level)) problems.push(`auditPolicy.rules[${i}].level: must be one of None, Metadata, Request, RequestResponse`);
    if (r.nonResourceURLs?.length && (r.resources?.length || r.namespaces?.length)) {
      problems.push(`auditPolicy.rules[${i}]: rules cannot apply to both regular resources and non-resource URLs`);
    }
  });
  return problems;
}

/** The level of the first rule matching the request (upstream's policy.Checker); no match means None. */
export function evaluatePolicy(policy: AuditPolicy | undefined, user: UserInfo, info: RequestInfo): AuditDecision {
  if (!policy) return NONE;
  for (const rule of policy.rules ?? []) {
    if (!ruleMatches(rule, user, info)) continue;
    return {
      level: rule.level,
      omitStages: new Set([...(policy.omitStages ?? []), ...(rule.omitStages ?? [])]),
      omitManagedFields: rule.omitManagedFields ?? policy.omitManagedFields ?? false,
    };
  }
  return NONE;
}

function ruleMatches(rule: PolicyRule, user: UserInfo, info: RequestInfo): boolean {
  if (rule.users?.length && !rule.users.includes(user.name)) return false;
  if (rule.userGroups?.length && !rule.userGroups.some((g) => user.groups.includes(g))) return false;
  if (rule.verbs?.length && !rule.verbs.includes(info.verb)) return false;
  const resourceRule = !!(rule.resources?.length || rule.namespaces?.length);
  if (resourceRule || rule.nonResourceURLs?.length) {
    return info.resourceRequest ? resourceRule && resourceMatches(rule, info) : !!rule.nonResourceURLs?.length && urlMatches(rule.nonResourceURLs, info.path);
  }
  return true;
}

function resourceMatches(rule: PolicyRule, info: RequestInfo): boolean {
  if (rule.namespaces?.length && !rule.namespaces.includes(info.namespace ?? "")) return false;
  if (!rule.resources?.length) return true;
  const resource = info.resource ?? "";
  const combined = info.subresource ? `${resource}/${info.subresource}` : resource;
  return rule.resources.some((gr) => {
    if ((gr.group ?? "") !== info.group && gr.group !== "*") return false;
    const names = gr.resources ?? [];
    const matched =
      names.length === 0 ||
      names.some((r) => r === "*" || r === combined || (r === `${resource}/*` && !!info.subresource) || (r === `*/${info.subresource}` && !!info.subresource));
    if (!matched) return false;
    return !gr.resourceNames?.length || (info.name !== undefined && gr.resourceNames.includes(info.name));
  });
}

function urlMatches(patterns: string[], path: string): boolean {
  return patterns.some((p) => p === "*" || p === path || (p.endsWith("*") && path.startsWith(p.slice(0, -1))));
}
