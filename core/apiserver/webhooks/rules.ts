import { selectorFromLabelSelector, type LabelSelector } from "../../api/labels.js";
import type { AdmissionRequest } from "../chains.js";

/** admissionregistration.k8s.io/v1 RuleWithOperations. */
export interface RuleWithOperations {
  operations?: string[];
  apiGroups?: string[];
  apiVersions?: string[];
  resources?: string[];
  scope?: "Cluster" | "Namespaced" | "*";
}

/** One webhook of a Mutating- or ValidatingWebhookConfiguration. */
export interface Webhook {
  name: string;
  clientConfig: { url?: string; caBundle?: string; service?: { namespace: string; name: string; path?: string; port?: number } };
  rules?: RuleWithOperations[];
  failurePolicy?: "Fail" | "Ignore";
  matchPolicy?: "Exact" | "Equivalent";
  namespaceSelector?: LabelSelector;
  objectSelector?: LabelSelector;
  sideEffects?: "None" | "NoneOnDryRun" | "Some" | "Unknown";
  timeoutSeconds?: number;
  admissionReviewVersions?: string[];
  reinvocationPolicy?: "Never" | "IfNeeded";
  matchConditions?: { name: string; expression: string }[];
}

const matches = (list: string[] | undefined, value: string) => !list || list.includes("*") || list.includes(value);

/** Whether a rule covers the request: operation, group, version, resource (with subresource) and scope. */
export function ruleMatches(rule: RuleWithOperations, req: AdmissionRequest, namespaced: boolean): boolean {
  if (!matches(rule.operations, req.operation)) return false;
  if (!matches(rule.apiGroups, req.group) || !matches(rule.apiVersions, req.version)) return false;
  const scope = rule.scope ?? "*";
  if (scope === "Cluster" && namespaced) return false;
  if (scope === "Namespaced" && !namespaced) return false;
  return (rule.resources ?? []).some((r) => {
    const [res, sub] = r.split("/", 2) as [string, string | undefined];
    // "pods" and "*" cover only the resource itself, "pods/*" and "*/*" every subresource too.
    if (res !== "*" && res !== req.resource) return false;
    if (sub === undefined) return req.subresource === undefined;
    return sub === "*" || sub === req.subresource;
  });
}

/**
 * The selectors: the object's (or old object's) labels against objectSelector; the
 * namespace's labels against namespaceSelector (a Namespace is judged by its own labels,
 * other cluster-scoped objects always match).
 */
export function selectorsMatch(hook: Webhook, req: AdmissionRequest, namespaceLabels: Record<string, string> | undefined): boolean {
  if (hook.objectSelector) {
    const sel = selectorFromLabelSelector(hook.objectSelector);
    const labelsOf = (o: Record<string, any> | undefined) => (o?.metadata?.labels ?? {}) as Record<string, string>;
    if (!sel.matches(labelsOf(req.object)) && !(req.oldObject && sel.matches(labelsOf(req.oldObject)))) return false;
  }
  if (hook.namespaceSelector) {
    const sel = selectorFromLabelSelector(hook.namespaceSelector);
    if (req.group === "" && req.resource === "namespaces") {
      return sel.matches((req.object ?? req.oldObject)?.metadata?.labels ?? {});
    }
    if (namespaceLabels !== undefined && !sel.matches(namespaceLabels)) return false;
  }
  return true;
}
