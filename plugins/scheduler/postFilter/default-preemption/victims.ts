import { compileSelector, podPriority, type Pod, type PodDisruptionBudget, type PodInfo } from "../../../../core/scheduler/index.js";

/** More important first: higher priority, then the pod that started earlier. */
export function moreImportant(a: PodInfo, b: PodInfo): number {
  const d = podPriority(b.pod) - podPriority(a.pod);
  if (d) return d;
  return (a.pod.metadata.creationTimestamp ?? "").localeCompare(b.pod.metadata.creationTimestamp ?? "");
}

/**
 * Splits pods into those whose eviction would violate a PodDisruptionBudget (no disruptions
 * left once earlier pods are counted) and the rest, keeping their order.
 */
export function splitByPdbViolation(pods: readonly PodInfo[], pdbs: readonly PodDisruptionBudget[]): { violating: PodInfo[]; nonViolating: PodInfo[] } {
  const allowed = pdbs.map((p) => p.status?.disruptionsAllowed ?? 0);
  const violating: PodInfo[] = [];
  const nonViolating: PodInfo[] = [];
  for (const pi of pods) {
    let violates = false;
    const labels = pi.pod.metadata.labels ?? {};
    pdbs.forEach((pdb, i) => {
      if ((pdb.metadata.namespace ?? "default") !== (pi.pod.metadata.namespace ?? "default")) return;
      const sel = pdb.spec?.selector;
      if (!sel || (!sel.matchLabels && !sel.matchExpressions?.length)) return; // an empty selector matches nothing here, as upstream
      if (!compileSelector(sel).matches(labels)) return;
      if (pdb.status?.disruptedPods?.[pi.pod.metadata.name]) return; // already being evicted
      allowed[i]!--;
      if (allowed[i]! < 0) violates = true;
    });
    (violates ? violating : nonViolating).push(pi);
  }
  return { violating, nonViolating };
}

export interface Candidate {
  node: string;
  victims: PodInfo[];
  numPdbViolations: number;
}

/**
 * upstream's pickOneNodeForPreemption: fewest PDB violations, then the lowest highest-victim
 * priority, the lowest priority sum, the fewest victims, the latest start among the
 * highest-priority victims, then the first.
 */
export function pickOne(candidates: readonly Candidate[]): Candidate | undefined {
  const keys: ((c: Candidate) => number)[] = [
    (c) => -c.numPdbViolations,
    (c) => -(c.victims.length ? Math.max(...c.victims.map((v) => podPriority(v.pod))) : -Infinity),
    (c) => -c.victims.reduce((s, v) => s + podPriority(v.pod) + 2 ** 31, 0),
    (c) => -c.victims.length,
    (c) => latestStartOfHighest(c.victims),
  ];
  let pool = [...candidates];
  for (const key of keys) {
    if (pool.length <= 1) break;
    const best = Math.max(...pool.map(key));
    pool = pool.filter((c) => key(c) === best);
  }
  return pool[0];
}

function latestStartOfHighest(victims: readonly PodInfo[]): number {
  if (!victims.length) return Infinity;
  const top = Math.max(...victims.map((v) => podPriority(v.pod)));
  let earliest = Infinity;
  for (const v of victims) {
    if (podPriority(v.pod) !== top) continue;
    const t = Date.parse(v.pod.metadata.creationTimestamp ?? "") || 0;
    earliest = Math.min(earliest, t);
  }
  return earliest;
}

export const isTerminating = (p: Pod) => !!p.metadata.deletionTimestamp;
