import type { Deployment, IntOrPercent, ReplicaSet } from "./types.js";

export const replicasOf = (d: Deployment) => d.spec.replicas ?? 1;
export const isRollingUpdate = (d: Deployment) => (d.spec.strategy?.type ?? "RollingUpdate") === "RollingUpdate";

/** An int, or a percentage of `total` rounded up or down: upstream's GetScaledValueFromIntOrPercent. */
export function scaledValue(v: IntOrPercent | undefined, total: number, roundUp: boolean): number {
  if (v === undefined) return 0;
  if (typeof v === "number") return v;
  const m = /^(\d+)%$/.exec(v);
  if (!m) {
    const n = Number(v);
    if (Number.isInteger(n)) return n;
    throw new Error(`invalid value for IntOrString: invalid value "${v}": must be an integer or a percentage`);
  }
  const exact = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

/**
 * Upstream's ResolveFenceposts: surge rounds up, unavailability down, and both zero would
 * deadlock a rollout, so unavailability becomes one.
 */
export function resolveFenceposts(d: Deployment): { surge: number; unavailable: number } {
  const ru = d.spec.strategy?.rollingUpdate ?? {};
  const desired = replicasOf(d);
  const surge = scaledValue(ru.maxSurge ?? "25%", desired, true);
  let unavailable = scaledValue(ru.maxUnavailable ?? "25%", desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

export function maxSurge(d: Deployment): number {
  return isRollingUpdate(d) ? resolveFenceposts(d).surge : 0;
}

export function maxUnavailable(d: Deployment): number {
  if (!isRollingUpdate(d) || replicasOf(d) === 0) return 0;
  return Math.min(resolveFenceposts(d).unavailable, replicasOf(d));
}

export const specReplicas = (rss: (ReplicaSet | undefined)[]) => rss.reduce((n, rs) => n + (rs?.spec.replicas ?? 0), 0);
export const actualReplicas = (rss: (ReplicaSet | undefined)[]) => rss.reduce((n, rs) => n + (rs?.status?.replicas ?? 0), 0);
export const readyReplicas = (rss: (ReplicaSet | undefined)[]) => rss.reduce((n, rs) => n + (rs?.status?.readyReplicas ?? 0), 0);
export const availableReplicas = (rss: (ReplicaSet | undefined)[]) => rss.reduce((n, rs) => n + (rs?.status?.availableReplicas ?? 0), 0);
/**
 * Available pods that will stay: a set just scaled down may still report pods it is deleting, so
 * none counts for more than its size. Upstream sums the reported figure; counting this way
 * keeps scale-down within maxUnavailable even when a set's status lags its new size.
 */
export const lastingAvailable = (rss: ReplicaSet[]) => rss.reduce((n, rs) => n + Math.min(rs.spec.replicas ?? 0, rs.status?.availableReplicas ?? 0), 0);

/** Sets that still want or have pods. */
export const activeSets = (rss: (ReplicaSet | undefined)[]) => rss.filter((rs): rs is ReplicaSet => !!rs && (rs.spec.replicas ?? 0) > 0);

const created = (rs: ReplicaSet) => Date.parse(rs.metadata.creationTimestamp ?? "") || 0;
/** Oldest first; ties by name, as upstream's ReplicaSetsByCreationTimestamp. */
export const byCreation = (a: ReplicaSet, b: ReplicaSet) => created(a) - created(b) || a.metadata.name!.localeCompare(b.metadata.name!);
/** Largest first, newer first among equals: where proportional scaling adds replicas. */
export const bySizeNewer = (a: ReplicaSet, b: ReplicaSet) => (b.spec.replicas ?? 0) - (a.spec.replicas ?? 0) || -byCreation(a, b);
/** Largest first, older first among equals: where proportional scaling takes replicas away. */
export const bySizeOlder = (a: ReplicaSet, b: ReplicaSet) => (b.spec.replicas ?? 0) - (a.spec.replicas ?? 0) || byCreation(a, b);

/**
 * Upstream's NewRSNewReplicas: how big the new set may be now. Rolling: up to the surge
 * allowance over all sets' replicas, never beyond the Deployment's replicas. Recreate: all.
 * A set scaled down whose status still counts more pods is counted at that: its pods may not
 * be gone yet, and the surge bound is on pods, not on wishes.
 */
export function newReplicaSetReplicas(d: Deployment, all: ReplicaSet[], newRS: ReplicaSet): number {
  if (!isRollingUpdate(d)) return replicasOf(d);
  const current = all.reduce((n, rs) => n + Math.max(rs.spec.replicas ?? 0, rs.status?.replicas ?? 0), 0);
  const maxTotal = replicasOf(d) + maxSurge(d);
  if (current >= maxTotal) return newRS.spec.replicas ?? 0;
  const up = Math.min(maxTotal - current, Math.max(0, replicasOf(d) - (newRS.spec.replicas ?? 0)));
  return (newRS.spec.replicas ?? 0) + up;
}
