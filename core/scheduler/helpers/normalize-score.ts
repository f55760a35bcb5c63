import type { NodeScore } from "../plugin-api.js";

/**
 * upstream's DefaultNormalizeScore: scales so the largest score becomes maxPriority;
 * `reverse` gives maxPriority minus that. All-zero input stays 0, or maxPriority reversed.
 */
export function defaultNormalizeScore(maxPriority: number, reverse: boolean, scores: NodeScore[]): void {
  let max = 0;
  for (const s of scores) if (s.score > max) max = s.score;
  if (max === 0) {
    if (reverse) for (const s of scores) s.score = maxPriority;
    return;
  }
  for (const s of scores) {
    let v = Math.trunc((maxPriority * s.score) / max);
    if (reverse) v = maxPriority - v;
    s.score = v;
  }
}
