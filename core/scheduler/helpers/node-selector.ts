import type { Node, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm, Pod } from "../api-types.js";

function requirementMatches(r: NodeSelectorRequirement, value: string | undefined): boolean {
  const has = value !== undefined;
  switch (r.operator) {
    case "In":
      return has && (r.values ?? []).includes(value);
    case "NotIn":
      return !has || !(r.values ?? []).includes(value);
    case "Exists":
      return has;
    case "DoesNotExist":
      return !has;
    case "Gt":
    case "Lt": {
      if (!has || r.values?.length !== 1) return false;
      const a = Number.parseInt(value, 10);
      const b = Number.parseInt(r.values[0]!, 10);
      if (Number.isNaN(a) || Number.isNaN(b)) return false;
      return r.operator === "Gt" ? a > b : a < b;
    }
    default:
      return false;
  }
}

/** A term matches when all its expressions and fields match; an empty term matches nothing. */
export function termMatches(term: NodeSelectorTerm, node: Node): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (!exprs.length && !fields.length) return false;
  const labels = node.metadata.labels ?? {};
  for (const r of exprs) if (!requirementMatches(r, labels[r.key])) return false;
  for (const r of fields) {
    // Only metadata.name is a supported field, as upstream.
    if (r.key !== "metadata.name" || !requirementMatches(r, node.metadata.name)) return false;
  }
  return true;
}

/** Terms are ORed. */
export function nodeSelectorMatches(sel: NodeSelector, node: Node): boolean {
  return sel.nodeSelectorTerms.some((t) => termMatches(t, node));
}

/** The pod's nodeSelector and required node affinity, ANDed, as upstream's RequiredNodeAffinity. */
export function podMatchesNodeSelectorAndAffinity(pod: Pod, node: Node): boolean {
  const labels = node.metadata.labels ?? {};
  for (const [k, v] of Object.entries(pod.spec.nodeSelector ?? {})) if (labels[k] !== v) return false;
  const req = pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  return !req || nodeSelectorMatches(req, node);
}
