import type { LabelSelectorRequirement, Node, NodeSelectorTerm } from "../types.js";

/** One NodeSelectorRequirement against a map of values (labels, or metadata.name for matchFields). */
function matches(req: LabelSelectorRequirement, values: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(values, req.key);
  const v = values[req.key];
  switch (req.operator) {
    case "In":
      return has && (req.values ?? []).includes(v!);
    case "NotIn":
      return !has || !(req.values ?? []).includes(v!);
    case "Exists":
      return has;
    case "DoesNotExist":
      return !has;
    case "Gt":
    case "Lt": {
      if (!has || (req.values ?? []).length !== 1) return false;
      const a = Number.parseInt(v!, 10);
      const b = Number.parseInt(req.values![0]!, 10);
      if (Number.isNaN(a) || Number.isNaN(b)) return false;
      return req.operator === "Gt" ? a > b : a < b;
    }
    default:
      return false;
  }
}

/** A term matches when all its expressions and fields match; an empty term matches nothing, as upstream. */
export function termMatches(term: NodeSelectorTerm, node: Node): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  const labels = node.metadata.labels ?? {};
  if (!exprs.every((r) => matches(r, labels))) return false;
  return fields.every((r) => r.key === "metadata.name" && matches(r, { "metadata.name": node.metadata.name }));
}

/** Terms are ORed. */
export function anyTermMatches(terms: readonly NodeSelectorTerm[], node: Node): boolean {
  return terms.some((t) => termMatches(t, node));
}
