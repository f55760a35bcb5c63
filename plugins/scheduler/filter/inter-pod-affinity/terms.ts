import { compileSelector, withLabelKeys, type Pod, type PodAffinityTerm } from "../../../../core/scheduler/index.js";
import type { Selector } from "../../../../core/api/labels.js";

/** An affinity term of some pod, compiled: which namespaces and labels it selects. */
export interface Term {
  topologyKey: string;
  namespaces: Set<string> | "all";
  selector: Selector;
}

/**
 * Namespaces: the term's list, or all namespaces for an empty namespaceSelector, or the
 * owning pod's namespace when neither is given. (A non-empty namespaceSelector would need
 * namespace labels; it is read as its listed namespaces only.)
 */
export function compileTerm(owner: Pod, t: PodAffinityTerm): Term {
  const nsSel = t.namespaceSelector;
  const emptyNsSel = nsSel && !nsSel.matchLabels && !nsSel.matchExpressions?.length;
  const namespaces = emptyNsSel ? "all" : new Set(t.namespaces?.length ? t.namespaces : [owner.metadata.namespace ?? "default"]);
  return { topologyKey: t.topologyKey, namespaces, selector: compileSelector(withLabelKeys(t.labelSelector, owner.metadata.labels ?? {}, t.matchLabelKeys, t.mismatchLabelKeys)) };
}

export function termMatchesPod(term: Term, pod: Pod): boolean {
  if (term.namespaces !== "all" && !term.namespaces.has(pod.metadata.namespace ?? "default")) return false;
  return term.selector.matches(pod.metadata.labels ?? {});
}

export const requiredAffinity = (p: Pod) => (p.spec.affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => compileTerm(p, t));
export const requiredAntiAffinity = (p: Pod) => (p.spec.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => compileTerm(p, t));
export const preferredAffinity = (p: Pod) => (p.spec.affinity?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((w) => ({ weight: w.weight, term: compileTerm(p, w.podAffinityTerm) }));
export const preferredAntiAffinity = (p: Pod) => (p.spec.affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((w) => ({ weight: w.weight, term: compileTerm(p, w.podAffinityTerm) }));
