import type { RequestAttributes } from "../../../../core/apiserver/chains.js";

/** rbac.authorization.k8s.io/v1 PolicyRule. */
export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

const ALL = "*";

const has = (list: readonly string[] | undefined, value: string) => !!list && (list.includes(ALL) || list.includes(value));

/** `*` matches any resource and subresource; `*∕sub` any resource's `sub`; otherwise `resource` or `resource/sub` exactly. */
function resourceMatches(rule: PolicyRule, resource: string, subresource: string | undefined): boolean {
  const wanted = subresource ? `${resource}/${subresource}` : resource;
  for (const r of rule.resources ?? []) {
    if (r === ALL || r === wanted) return true;
    if (subresource && r === `*/${subresource}`) return true;
  }
  return false;
}

/** A rule ending in `*` matches every path it prefixes; any other rule matches its own path only. */
export function urlMatches(ruleUrl: string, path: string): boolean {
  if (ruleUrl === ALL || ruleUrl === path) return true;
  return ruleUrl.endsWith("*") && path.startsWith(ruleUrl.slice(0, -1));
}

/** Whether one rule allows a request (upstream's RuleAllows). */
export function ruleAllows(attrs: RequestAttributes, rule: PolicyRule): boolean {
  if (!has(rule.verbs, attrs.verb)) return false;
  if (!attrs.resourceRequest) return (rule.nonResourceURLs ?? []).some((u) => urlMatches(u, attrs.path));
  if (!has(rule.apiGroups, attrs.apiGroup ?? "")) return false;
  if (!resourceMatches(rule, attrs.resource ?? "", attrs.subresource)) return false;
  const names = rule.resourceNames ?? [];
  return names.length === 0 || names.includes(attrs.name ?? "");
}

/**
 * A rule split into one rule per group, resource, name and verb (per URL and verb for
 * non-resource rules), as upstream breaks rules down before checking coverage.
 */
export function breakdown(rule: PolicyRule): PolicyRule[] {
  const out: PolicyRule[] = [];
  for (const group of rule.apiGroups ?? []) {
    for (const resource of rule.resources ?? []) {
      for (const verb of rule.verbs) {
        const names = rule.resourceNames?.length ? rule.resourceNames : [undefined];
        for (const name of names) out.push({ apiGroups: [group], resources: [resource], ...(name !== undefined ? { resourceNames: [name] } : {}), verbs: [verb] });
      }
    }
  }
  for (const url of rule.nonResourceURLs ?? []) for (const verb of rule.verbs) out.push({ nonResourceURLs: [url], verbs: [verb] });
  return out;
}

function resourceCovers(owner: readonly string[], wanted: string): boolean {
  if (owner.includes(ALL) || owner.includes(wanted)) return true;
  const slash = wanted.indexOf("/");
  return slash >= 0 && owner.includes(`*/${wanted.slice(slash + 1)}`);
}

/** Whether an owner rule grants everything of a broken-down rule. */
function ruleCovers(owner: PolicyRule, one: PolicyRule): boolean {
  if (!has(owner.verbs, one.verbs[0]!)) return false;
  if (one.nonResourceURLs) return (owner.nonResourceURLs ?? []).some((u) => urlMatches(u, one.nonResourceURLs![0]!));
  if (!has(owner.apiGroups, one.apiGroups![0]!)) return false;
  if (!resourceCovers(owner.resources ?? [], one.resources![0]!)) return false;
  const ownerNames = owner.resourceNames ?? [];
  if (!ownerNames.length) return true;
  return !!one.resourceNames && ownerNames.includes(one.resourceNames[0]!);
}

/** What of `wanted` the owner's rules do not grant, broken down (empty when covered). */
export function uncovered(ownerRules: readonly PolicyRule[], wanted: readonly PolicyRule[]): PolicyRule[] {
  return wanted.flatMap(breakdown).filter((one) => !ownerRules.some((o) => ruleCovers(o, one)));
}

/** Broken-down rules gathered again per group, resource and names, verbs merged (upstream's CompactRules). */
export function compact(rules: readonly PolicyRule[]): PolicyRule[] {
  const byKey = new Map<string, PolicyRule>();
  const out: PolicyRule[] = [];
  for (const r of rules) {
    const key = JSON.stringify([r.apiGroups, r.resources, r.resourceNames, r.nonResourceURLs]);
    const seen = byKey.get(key);
    if (seen) {
      if (!seen.verbs.includes(r.verbs[0]!)) seen.verbs.push(...r.verbs);
      continue;
    }
    const copy = { ...r, verbs: [...r.verbs] };
    byKey.set(key, copy);
    out.push(copy);
  }
  return out;
}

/** Go's `%q` of a string slice: `["a" "b"]`. */
export const goQuoted = (list: readonly string[]) => `[${list.map((s) => JSON.stringify(s)).join(" ")}]`;

/** Upstream's CompactString of a rule, as its escalation message lists them. */
export function compactString(r: PolicyRule): string {
  const parts: string[] = [];
  if (r.apiGroups?.length) parts.push(`APIGroups:${goQuoted(r.apiGroups)}`);
  if (r.resources?.length) parts.push(`Resources:${goQuoted(r.resources)}`);
  if (r.nonResourceURLs?.length) parts.push(`NonResourceURLs:${goQuoted(r.nonResourceURLs)}`);
  if (r.resourceNames?.length) parts.push(`ResourceNames:${goQuoted(r.resourceNames)}`);
  if (r.verbs.length) parts.push(`Verbs:${goQuoted(r.verbs)}`);
  return `{${parts.join(", ")}}`;
}
