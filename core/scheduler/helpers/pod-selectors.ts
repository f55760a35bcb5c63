import { selectorFromLabelSelector, type Selector } from "../../api/labels.js";
import type { LabelSelector } from "../api-types.js";

const cache = new WeakMap<LabelSelector, Selector>();
const NOTHING: Selector = { matches: () => false, empty: () => false, toString: () => "<none>" };

/** A compiled metav1.LabelSelector; a missing selector selects nothing (as upstream for affinity and spreading). */
export function compileSelector(sel: LabelSelector | undefined): Selector {
  if (!sel) return NOTHING;
  let s = cache.get(sel);
  if (!s) cache.set(sel, (s = selectorFromLabelSelector(sel)));
  return s;
}

/** Adds `key in (pod's value)` for each matchLabelKeys key the pod carries (mismatch: notin). */
export function withLabelKeys(sel: LabelSelector | undefined, labels: Record<string, string>, matchKeys: readonly string[] = [], mismatchKeys: readonly string[] = []): LabelSelector | undefined {
  if (!matchKeys.length && !mismatchKeys.length) return sel;
  const exprs = [...(sel?.matchExpressions ?? [])];
  for (const k of matchKeys) if (k in labels) exprs.push({ key: k, operator: "In", values: [labels[k]!] });
  for (const k of mismatchKeys) if (k in labels) exprs.push({ key: k, operator: "NotIn", values: [labels[k]!] });
  return { ...(sel?.matchLabels ? { matchLabels: sel.matchLabels } : {}), matchExpressions: exprs };
}
