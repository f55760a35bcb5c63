import type { Taint, Toleration } from "../api-types.js";

/** upstream's Toleration.ToleratesTaint. */
export function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  // An empty key with Exists tolerates every taint.
  switch (t.operator ?? "Equal") {
    case "Exists":
      return true;
    case "Equal":
      return (t.value ?? "") === (taint.value ?? "");
    default:
      return false;
  }
}

/** The first taint (with an effect `filter` accepts) that no toleration tolerates. */
export function findUntoleratedTaint(taints: readonly Taint[], tolerations: readonly Toleration[], filter: (t: Taint) => boolean): Taint | undefined {
  return taints.find((taint) => filter(taint) && !tolerations.some((tol) => tolerates(tol, taint)));
}

/** `{key: value}` as upstream prints a taint in the untolerated-taint reason. */
export const formatTaint = (t: Taint) => `{${t.key}: ${t.value ?? ""}}`;
