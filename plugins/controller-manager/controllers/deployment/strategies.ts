import { isComplete } from "./conditions.js";
import { newAndOldSets } from "./new-replica-set.js";
import { activeSets, byCreation, lastingAvailable, maxUnavailable, newReplicaSetReplicas, replicasOf, specReplicas } from "./replica-math.js";
import { cleanupOldSets, scaleReplicaSet } from "./scaling.js";
import { syncRolloutStatus } from "./status.js";
import type { SyncEnv } from "./sync-env.js";
import type { Deployment, ReplicaSet } from "./types.js";

/**
 * Upstream's rolloutRolling: grow the new set within maxSurge, else shrink old sets within
 * maxUnavailable (unhealthy replicas first), else, once complete, trim history.
 */
export async function rolloutRolling(env: SyncEnv, d: Deployment, sets: ReplicaSet[]): Promise<void> {
  const found = await newAndOldSets(env, d, sets, true);
  const newRS = found.newRS!;
  let oldRSs = found.oldRSs;
  let all = [...oldRSs, newRS];
  const grown = await reconcileNewSet(env, all, newRS, d);
  if (grown.scaled) {
    all = [...oldRSs, grown.rs];
    return syncRolloutStatus(env, all, grown.rs, d);
  }
  const shrunk = await reconcileOldSets(env, all, activeSets(oldRSs), newRS, d);
  oldRSs = oldRSs.map((rs) => shrunk.written.get(rs.metadata.name!) ?? rs);
  all = [...oldRSs, newRS];
  if (shrunk.scaled) return syncRolloutStatus(env, all, newRS, d);
  if (isComplete(d, d.status ?? {})) await cleanupOldSets(env, d, oldRSs);
  return syncRolloutStatus(env, all, newRS, d);
}

async function reconcileNewSet(env: SyncEnv, all: ReplicaSet[], newRS: ReplicaSet, d: Deployment): Promise<{ scaled: boolean; rs: ReplicaSet }> {
  const size = newRS.spec.replicas ?? 0;
  if (size === replicasOf(d)) return { scaled: false, rs: newRS };
  if (size > replicasOf(d)) return scaleReplicaSet(env, newRS, replicasOf(d), d);
  return scaleReplicaSet(env, newRS, newReplicaSetReplicas(d, all, newRS), d);
}

/**
 * Upstream's reconcileOldReplicaSets: old replicas may go while more than replicas −
 * maxUnavailable stay available, counting the new set's not-yet-available pods against it.
 */
async function reconcileOldSets(env: SyncEnv, all: ReplicaSet[], oldActive: ReplicaSet[], newRS: ReplicaSet, d: Deployment): Promise<{ scaled: boolean; written: Map<string, ReplicaSet> }> {
  const written = new Map<string, ReplicaSet>();
  if (specReplicas(oldActive) === 0) return { scaled: false, written };
  const minAvailable = replicasOf(d) - maxUnavailable(d);
  const newUnavailable = (newRS.spec.replicas ?? 0) - (newRS.status?.availableReplicas ?? 0);
  const maxScaledDown = specReplicas(all) - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return { scaled: false, written };

  // First the replicas that are not available anyway: losing them costs no availability.
  let cleaned = 0;
  let olds = [...oldActive].sort(byCreation);
  for (const [i, rs] of olds.entries()) {
    if (cleaned >= maxScaledDown) break;
    const size = rs.spec.replicas ?? 0;
    const unhealthy = size - (rs.status?.availableReplicas ?? 0);
    if (size === 0 || unhealthy <= 0) continue;
    const down = Math.min(maxScaledDown - cleaned, unhealthy);
    const r = await scaleReplicaSet(env, rs, size - down, d);
    olds[i] = r.rs;
    written.set(rs.metadata.name!, r.rs);
    cleaned += down;
  }
  // Then available ones, as far as minAvailable allows.
  let scaledDown = 0;
  const available = lastingAvailable([...olds, newRS]);
  if (available > minAvailable) {
    const total = available - minAvailable;
    olds = olds.sort(byCreation);
    for (const rs of olds) {
      if (scaledDown >= total) break;
      const size = rs.spec.replicas ?? 0;
      if (size === 0) continue;
      const down = Math.min(size, total - scaledDown);
      const r = await scaleReplicaSet(env, rs, size - down, d);
      written.set(rs.metadata.name!, r.rs);
      scaledDown += down;
    }
  }
  return { scaled: cleaned + scaledDown > 0, written };
}

/**
 * Upstream's rolloutRecreate: every old set to zero, wait until none of their pods runs, then
 * the new set at full size.
 */
export async function rolloutRecreate(env: SyncEnv, d: Deployment, sets: ReplicaSet[]): Promise<void> {
  let { newRS, oldRSs } = await newAndOldSets(env, d, sets, false);
  let scaledDown = false;
  for (const [i, rs] of oldRSs.entries()) {
    if ((rs.spec.replicas ?? 0) === 0) continue;
    const r = await scaleReplicaSet(env, rs, 0, d);
    oldRSs[i] = r.rs;
    scaledDown ||= r.scaled;
  }
  if (scaledDown || oldPodsRunning(env, newRS, oldRSs)) return syncRolloutStatus(env, [...oldRSs, ...(newRS ? [newRS] : [])], newRS, d);
  if (!newRS) ({ newRS, oldRSs } = await newAndOldSets(env, d, sets, true));
  const r = await scaleReplicaSet(env, newRS!, replicasOf(d), d);
  if (isComplete(d, d.status ?? {})) await cleanupOldSets(env, d, oldRSs);
  return syncRolloutStatus(env, [...oldRSs, r.rs], r.rs, d);
}

/** Whether an old set still has pods that are not finished: Recreate waits for them to go. */
function oldPodsRunning(env: SyncEnv, newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): boolean {
  if (oldRSs.some((rs) => (rs.status?.replicas ?? 0) > 0)) return true;
  return oldRSs.some((rs) => rs !== newRS && env.podsOf(rs).some((p) => p.status?.phase !== "Failed" && p.status?.phase !== "Succeeded"));
}
