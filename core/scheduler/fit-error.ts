import type { Status } from "./status.js";

/**
 * Upstream's FitError message: "0/5 nodes are available: 2 Insufficient cpu,
 * 3 node(s) had untolerated taint {k: v}." with the reasons counted over nodes
 * and sorted as strings, then the preemption outcome when there was one.
 */
export function fitErrorMessage(numNodes: number, filtered: ReadonlyMap<string, Status>, opts: { preFilter?: Status; postFilterMessage?: string } = {}): string {
  let msg = `0/${numNodes} nodes are available`;
  if (opts.preFilter) {
    msg += `: ${opts.preFilter.message()}.`;
  } else {
    const counts = new Map<string, number>();
    for (const status of filtered.values()) for (const r of status.reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
    const parts = [...counts].map(([reason, n]) => `${n} ${reason}`).sort();
    msg += parts.length ? `: ${parts.join(", ")}.` : ".";
  }
  if (opts.postFilterMessage) msg += ` ${opts.postFilterMessage}`;
  return msg;
}
