import { MAX_NODE_SCORE } from "../../../../core/scheduler/index.js";

export type Scorer = (requested: number, allocatable: number) => number;

/** Free share of the node: (allocatable - requested) / allocatable. */
export const leastAllocated: Scorer = (req, alloc) => (alloc === 0 || req > alloc ? 0 : Math.trunc(((alloc - req) * MAX_NODE_SCORE) / alloc));

/** Used share of the node, capped at full. */
export const mostAllocated: Scorer = (req, alloc) => (alloc === 0 ? 0 : Math.trunc((Math.min(req, alloc) * MAX_NODE_SCORE) / alloc));

/**
 * RequestedToCapacityRatio: a piecewise-linear function of utilization (0-100) through the
 * configured points, their scores (0-10) scaled to 0-100 as upstream does.
 */
export function requestedToCapacityRatio(shape: readonly { utilization: number; score: number }[]): Scorer {
  const pts = [...shape].sort((a, b) => a.utilization - b.utilization).map((p) => ({ u: p.utilization, s: p.score * (MAX_NODE_SCORE / 10) }));
  const fn = (u: number): number => {
    if (u <= pts[0]!.u) return pts[0]!.s;
    for (let i = 1; i < pts.length; i++) {
      const a = pts[i - 1]!;
      const b = pts[i]!;
      if (u <= b.u) return Math.trunc(a.s + ((b.s - a.s) * (u - a.u)) / (b.u - a.u));
    }
    return pts[pts.length - 1]!.s;
  };
  return (req, alloc) => (alloc === 0 ? fn(100) : fn(Math.min(100, Math.trunc((req * 100) / alloc))));
}
