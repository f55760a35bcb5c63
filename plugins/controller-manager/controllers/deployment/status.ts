import { isDeepStrictEqual } from "node:util";
import { condition, getCondition, hasProgressDeadline, hasTimedOut, isComplete, isProgressing, Reason, recheckAfter, removeCondition, setAvailability, setCondition } from "./conditions.js";
import { actualReplicas, availableReplicas, readyReplicas, specReplicas } from "./replica-math.js";
import type { SyncEnv } from "./sync-env.js";
import type { Deployment, DeploymentCondition, DeploymentStatus, ReplicaSet } from "./types.js";

/** Zero counts are left out on the wire (omitempty), so they compare equal to absent ones. */
function sameStatus(a: DeploymentStatus | undefined, b: DeploymentStatus): boolean {
  const norm = (s: DeploymentStatus | undefined) => Object.fromEntries(Object.entries(s ?? {}).filter(([, v]) => v !== 0 && v !== undefined && !(Array.isArray(v) && !v.length)));
  return isDeepStrictEqual(norm(a), norm(b));
}

/** Writes `status` when it differs from the Deployment's, keeping `d` current. */
export async function writeStatus(env: SyncEnv, d: Deployment, status: DeploymentStatus): Promise<void> {
  if (sameStatus(d.status, status)) return;
  const updated = await env.deployments(d.metadata.namespace!).updateStatus({ ...d, apiVersion: "apps/v1", kind: "Deployment", status });
  d.metadata = updated.metadata;
  d.status = updated.status ?? {};
}

/** Upstream's calculateStatus: replica counts summed over the sets, and the Available condition. */
export function calculateStatus(env: SyncEnv, all: ReplicaSet[], newRS: ReplicaSet | undefined, d: Deployment): DeploymentStatus {
  const available = availableReplicas(all);
  const status: DeploymentStatus = {
    observedGeneration: d.metadata.generation ?? 0,
    replicas: actualReplicas(all),
    updatedReplicas: actualReplicas([newRS]),
    readyReplicas: readyReplicas(all),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, specReplicas(all) - available),
    ...(d.status?.collisionCount !== undefined ? { collisionCount: d.status.collisionCount } : {}),
    ...(d.status?.conditions ? { conditions: structuredClone(d.status.conditions) } : {}),
  };
  setAvailability(d, status, env.clock.now());
  return status;
}

/** Status for a Deployment that is only scaling, paused or being deleted. */
export async function syncDeploymentStatus(env: SyncEnv, all: ReplicaSet[], newRS: ReplicaSet | undefined, d: Deployment): Promise<void> {
  await writeStatus(env, d, calculateStatus(env, all, newRS, d));
}

/**
 * Upstream's syncRolloutStatus: status plus the Progressing condition (progressed, progressing,
 * or timed out after progressDeadlineSeconds without progress) and ReplicaFailure copied from
 * the sets. A rollout still in progress is looked at again when its deadline would pass.
 */
export async function syncRolloutStatus(env: SyncEnv, all: ReplicaSet[], newRS: ReplicaSet | undefined, d: Deployment): Promise<void> {
  const now = env.clock.now();
  const status = calculateStatus(env, all, newRS, d);
  if (!hasProgressDeadline(d)) removeCondition(status, "Progressing");
  const current = getCondition(d.status, "Progressing");
  const completeBefore = status.replicas === status.updatedReplicas && current?.reason === Reason.NewRSAvailable;
  if (hasProgressDeadline(d) && !completeBefore) {
    if (isComplete(d, status)) {
      const msg = newRS ? `ReplicaSet "${newRS.metadata.name}" has successfully progressed.` : `Deployment "${d.metadata.name}" has successfully progressed.`;
      setCondition(status, condition("Progressing", "True", Reason.NewRSAvailable, msg, now));
    } else if (isProgressing(d, status)) {
      const msg = newRS ? `ReplicaSet "${newRS.metadata.name}" is progressing.` : `Deployment "${d.metadata.name}" is progressing.`;
      let c = condition("Progressing", "True", Reason.RSUpdated, msg, now);
      // Progress refreshes lastUpdateTime, which the deadline counts from, even with the reason unchanged.
      if (current?.status === "True") c = { ...c, lastTransitionTime: current.lastTransitionTime };
      removeCondition(status, "Progressing");
      setCondition(status, c);
    } else if (hasTimedOut(d, status, now)) {
      const msg = newRS ? `ReplicaSet "${newRS.metadata.name}" has timed out progressing.` : `Deployment "${d.metadata.name}" has timed out progressing.`;
      setCondition(status, condition("Progressing", "False", Reason.TimedOut, msg, now));
    }
  }
  const failure = replicaFailure(all, newRS);
  if (failure) setCondition(status, failure);
  else removeCondition(status, "ReplicaFailure");
  if (sameStatus(d.status, status)) {
    const after = recheckAfter(d, status, now);
    if (after !== undefined) env.requeueAfter(d, after);
    return;
  }
  await writeStatus(env, d, status);
}

/** The first ReplicaFailure of the new set, else of an old one, as a Deployment condition. */
function replicaFailure(all: ReplicaSet[], newRS: ReplicaSet | undefined): DeploymentCondition | undefined {
  for (const rs of newRS ? [newRS, ...all.filter((r) => r !== newRS)] : all) {
    const c = rs.status?.conditions?.find((x) => x.type === "ReplicaFailure");
    if (c) {
      const t = c.lastTransitionTime ?? "";
      return { type: "ReplicaFailure", status: c.status as DeploymentCondition["status"], reason: c.reason ?? "", message: c.message ?? "", lastUpdateTime: t, lastTransitionTime: t };
    }
  }
  return undefined;
}

/** Upstream's checkPausedConditions: Progressing says Unknown/DeploymentPaused while paused, DeploymentResumed after. */
export async function checkPausedConditions(env: SyncEnv, d: Deployment): Promise<void> {
  if (!hasProgressDeadline(d)) return;
  const current = getCondition(d.status, "Progressing");
  if (current?.reason === Reason.TimedOut) return;
  const pausedShown = current?.reason === Reason.Paused;
  const status = structuredClone(d.status ?? {});
  if (d.spec.paused && !pausedShown) setCondition(status, condition("Progressing", "Unknown", Reason.Paused, "Deployment is paused", env.clock.now()));
  else if (!d.spec.paused && pausedShown) setCondition(status, condition("Progressing", "Unknown", Reason.Resumed, "Deployment is resumed", env.clock.now()));
  else return;
  await writeStatus(env, d, status);
}
