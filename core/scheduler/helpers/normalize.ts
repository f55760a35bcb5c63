import { MAX_NODE_SCORE } from "../framework.js";
import type { NodeScore } from "../points.js";

/** Scales so the highest raw score becomes 100; `reverse` gives 100 minus that (all-zero stays 0, or 100 reversed). */
export function defaultNormalizeScore(scores: NodeScore[], reverse: boolean): void {
  let max = 0;
  for (const s of scores) if (s.score > max) max = s.score;
  if (max === 0) {
    if (reverse) for (const s of scores) s.score = MAX_NODE_SCORE;
    return;
  }
  for (const s of scores) {
    let v = Math.trunc((MAX_NODE_SCORE * s.score) / max);
    if (reverse) v = MAX_NODE_SCORE - v;
    s.score = v;
  }
}
