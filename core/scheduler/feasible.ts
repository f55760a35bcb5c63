/** Fewer nodes than this are always all checked (upstream's minFeasibleNodesToFind). */
export const MIN_FEASIBLE_NODES_TO_FIND = 100;
export const MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5;

/**
 * How many feasible nodes to find before scoring: all under 100 nodes or at
 * 100 %; otherwise the set percentage, or adaptively 50 − nodes/125 (floored at
 * 5 %), and never fewer than 100.
 */
export function numFeasibleNodesToFind(percentageOfNodesToScore: number | undefined, numAllNodes: number): number {
  const pct = percentageOfNodesToScore ?? 0;
  if (numAllNodes < MIN_FEASIBLE_NODES_TO_FIND || pct >= 100) return numAllNodes;
  let adaptive = pct;
  if (adaptive <= 0) {
    adaptive = 50 - Math.trunc(numAllNodes / 125);
    if (adaptive < MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND) adaptive = MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND;
  }
  const num = Math.trunc((numAllNodes * adaptive) / 100);
  return num < MIN_FEASIBLE_NODES_TO_FIND ? MIN_FEASIBLE_NODES_TO_FIND : num;
}
