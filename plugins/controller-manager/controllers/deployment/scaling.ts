import { annotatedInt, DESIRED_REPLICAS, MAX_REPLICAS, revisionOf, setReplicasAnnotations } from "./annotations.js";
import { activeSets, byCreation, bySizeNewer, bySizeOlder, isRollingUpdate, maxSurge, replicasOf, specReplicas } from "./replica-math.js";
import { deploymentRef, type SyncEnv } from "./sync-env.js";
import type { Deployment, ReplicaSet } from "./types.js";

/**
 * Sizes `rs` to `size` and stamps the Deployment's desired and max replicas on it. Answers
 * whether the size changed, and the set as written.
 */
export async function scaleReplicaSet(env: SyncEnv, rs: ReplicaSet, size: number, d: Deployment): Promise<{ scaled: boolean; rs: ReplicaSet }> {
  const copy = structuredClone(rs);
  const old = rs.spec.replicas ?? 0;
  const sizeChanged = old !== size;
  const annotated = setReplicasAnnotations(copy, replicasOf(d), replicasOf(d) + maxSurge(d));
  if (!sizeChanged && !annotated) return { scaled: false, rs };
  copy.spec.replicas = size;
  const written = await env.replicaSets(rs.metadata.namespace!).update({ ...copy, apiVersion: "apps/v1", kind: "ReplicaSet" });
  if (sizeChanged) {
    const how = size > old ? "up" : "down";
    env.recorder.event(deploymentRef(d), "Normal", "ScalingReplicaSet", "Scale", `Scaled ${how} replica set ${rs.metadata.name} from ${old} to ${size}`);
  }
  return { scaled: sizeChanged, rs: written };
}

/** Upstream's isScalingEvent: some active set was sized for another replica count than the Deployment's now. */
export function isScalingEvent(d: Deployment, all: ReplicaSet[]): boolean {
  return activeSets(all).some((rs) => {
    const desired = annotatedInt(rs, DESIRED_REPLICAS);
    return desired !== undefined && desired !== replicasOf(d);
  });
}

/** The one active set (or the newest, when none is), if there is exactly one. */
function activeOrLatest(newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): ReplicaSet | undefined {
  const newestFirst = [...oldRSs].sort((a, b) => -byCreation(a, b));
  const active = activeSets([...newestFirst, newRS]);
  if (active.length === 0) return newRS ?? newestFirst[0];
  return active.length === 1 ? active[0] : undefined;
}

/** Upstream's IsSaturated: the new set is at full size, all of it available. */
function isSaturated(d: Deployment, rs: ReplicaSet | undefined): boolean {
  if (!rs) return false;
  return annotatedInt(rs, DESIRED_REPLICAS) === replicasOf(d) && rs.spec.replicas === replicasOf(d) && rs.status?.availableReplicas === replicasOf(d);
}

/**
 * Upstream's scale: with one active set, it takes the Deployment's size. Mid-rollout, a change
 * of replicas is spread over the active sets in proportion to their sizes (against the
 * max-replicas each was stamped with), so a rollout keeps its shape; the rounding remainder
 * goes to the largest set.
 */
export async function scale(env: SyncEnv, d: Deployment, newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): Promise<void> {
  const only = activeOrLatest(newRS, oldRSs);
  if (only) {
    if (only.spec.replicas !== replicasOf(d)) await scaleReplicaSet(env, only, replicasOf(d), d);
    return;
  }
  if (isSaturated(d, newRS)) {
    for (const old of activeSets(oldRSs)) await scaleReplicaSet(env, old, 0, d);
    return;
  }
  if (!isRollingUpdate(d)) return;
  const active = activeSets([...oldRSs, newRS]);
  const allowed = replicasOf(d) > 0 ? replicasOf(d) + maxSurge(d) : 0;
  const toAdd = allowed - specReplicas(active);
  active.sort(toAdd > 0 ? bySizeNewer : bySizeOlder);
  const sizes = new Map<ReplicaSet, number>();
  let added = 0;
  for (const rs of active) {
    const proportion = toAdd !== 0 ? proportionFor(rs, d, toAdd, added) : 0;
    sizes.set(rs, (rs.spec.replicas ?? 0) + proportion);
    added += proportion;
  }
  if (toAdd !== 0 && active.length) {
    const first = active[0]!;
    sizes.set(first, Math.max(0, sizes.get(first)! + toAdd - added));
  }
  for (const rs of active) await scaleReplicaSet(env, rs, sizes.get(rs)!, d);
}

/** Upstream's GetProportion: this set's share of `toAdd`, capped by what is left to hand out. */
function proportionFor(rs: ReplicaSet, d: Deployment, toAdd: number, added: number): number {
  if (!(rs.spec.replicas ?? 0) || toAdd === added) return 0;
  const fraction = fractionFor(rs, d);
  const left = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, left) : Math.max(fraction, left);
}

function fractionFor(rs: ReplicaSet, d: Deployment): number {
  const size = rs.spec.replicas ?? 0;
  if (replicasOf(d) === 0) return -size;
  const target = replicasOf(d) + maxSurge(d);
  const annotated = annotatedInt(rs, MAX_REPLICAS) ?? d.status?.replicas ?? 0;
  if (!annotated) return 0;
  return Math.round((size * target) / annotated) - size;
}

/**
 * Upstream's cleanupDeployment: beyond revisionHistoryLimit, the oldest revisions with no
 * replicas wanted or running and a settled status are deleted.
 */
export async function cleanupOldSets(env: SyncEnv, d: Deployment, oldRSs: ReplicaSet[]): Promise<void> {
  const limit = d.spec.revisionHistoryLimit;
  if (limit === undefined) return;
  const alive = oldRSs.filter((rs) => !rs.metadata.deletionTimestamp);
  const excess = alive.length - limit;
  if (excess <= 0) return;
  const oldestFirst = alive.sort((a, b) => revisionOf(a) - revisionOf(b) || byCreation(a, b));
  for (const rs of oldestFirst.slice(0, excess)) {
    if ((rs.status?.replicas ?? 0) !== 0 || (rs.spec.replicas ?? 0) !== 0 || (rs.metadata.generation ?? 0) > (rs.status?.observedGeneration ?? 0)) continue;
    await env
      .replicaSets(rs.metadata.namespace!)
      .delete(rs.metadata.name!, { preconditions: { uid: rs.metadata.uid! } })
      .catch((err) => {
        if ((err as { code?: number }).code !== 404) throw err;
      });
  }
}
