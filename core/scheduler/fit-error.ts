import type { NodeToStatus } from "./plugin-api.js";

/** Why no node fitted, kept for PostFilter and for the event and condition messages. */
export interface Diagnosis {
  nodeToStatus: NodeToStatus;
  /** Plugins that rejected the pod; only their registered events requeue it. */
  unschedulablePlugins: Set<string>;
  pendingPlugins: Set<string>;
  preFilterMsg?: string;
  postFilterMsg?: string;
}

export const NO_NODE_AVAILABLE = (n: number) => `0/${n} nodes are available`;

/**
 * Upstream's FitError message: "0/5 nodes are available: 3 Insufficient cpu, 2
 * node(s) had untolerated taint {…}. preemption: …". Reasons are counted over
 * nodes and sorted as strings; a PreFilter rejection replaces the histogram.
 */
export function fitErrorMessage(numAllNodes: number, d: Diagnosis): string {
  let msg = `${NO_NODE_AVAILABLE(numAllNodes)}:`;
  if (d.preFilterMsg) msg += ` ${d.preFilterMsg}.`;
  else {
    const histogram = reasonHistogram(d.nodeToStatus);
    if (histogram.length) msg += ` ${histogram.join(", ")}.`;
  }
  if (d.postFilterMsg) msg += ` ${d.postFilterMsg}.`;
  return msg;
}

export function reasonHistogram(statuses: NodeToStatus): string[] {
  const counts = new Map<string, number>();
  for (const s of statuses.values()) for (const r of s.reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  return [...counts].map(([r, n]) => `${n} ${r}`).sort();
}
