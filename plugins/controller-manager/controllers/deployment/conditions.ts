import { rfc3339 } from "../../../../core/client/index.js";
import { maxUnavailable, replicasOf } from "./replica-math.js";
import type { Deployment, DeploymentCondition, DeploymentStatus } from "./types.js";

/** Upstream's condition reasons (pkg/controller/deployment/util), which kubectl and users match on. */
export const Reason = {
  NewRSAvailable: "NewReplicaSetAvailable",
  RSUpdated: "ReplicaSetUpdated",
  NewRSCreated: "NewReplicaSetCreated",
  FoundNewRS: "FoundNewReplicaSet",
  TimedOut: "ProgressDeadlineExceeded",
  Paused: "DeploymentPaused",
  Resumed: "DeploymentResumed",
  FailedRSCreate: "ReplicaSetCreateError",
  MinimumReplicasAvailable: "MinimumReplicasAvailable",
  MinimumReplicasUnavailable: "MinimumReplicasUnavailable",
} as const;

export function condition(type: string, status: DeploymentCondition["status"], reason: string, message: string, now: number): DeploymentCondition {
  const t = rfc3339(now);
  return { type, status, lastUpdateTime: t, lastTransitionTime: t, reason, message };
}

export function getCondition(status: DeploymentStatus | undefined, type: string): DeploymentCondition | undefined {
  return status?.conditions?.find((c) => c.type === type);
}

/**
 * Upstream's SetDeploymentCondition: the same status and reason is no change at all; the same
 * status keeps its lastTransitionTime.
 */
export function setCondition(status: DeploymentStatus, c: DeploymentCondition): void {
  const current = getCondition(status, c.type);
  if (current && current.status === c.status && current.reason === c.reason) return;
  if (current && current.status === c.status) c = { ...c, lastTransitionTime: current.lastTransitionTime };
  status.conditions = [...(status.conditions ?? []).filter((x) => x.type !== c.type), c];
}

export function removeCondition(status: DeploymentStatus, type: string): void {
  if (!status.conditions) return;
  status.conditions = status.conditions.filter((c) => c.type !== type);
  if (!status.conditions.length) delete status.conditions;
}

export const hasProgressDeadline = (d: Deployment) => d.spec.progressDeadlineSeconds !== undefined && d.spec.progressDeadlineSeconds !== 2147483647;
const deadlineOf = (d: Deployment) => d.spec.progressDeadlineSeconds ?? 600;

/** Every replica updated and available, and the newest spec seen: upstream's DeploymentComplete. */
export function isComplete(d: Deployment, s: DeploymentStatus): boolean {
  const r = replicasOf(d);
  return (s.updatedReplicas ?? 0) === r && (s.replicas ?? 0) === r && (s.availableReplicas ?? 0) === r && (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0);
}

/** Something moved since the last status: more updated, fewer old, more ready or available. */
export function isProgressing(d: Deployment, s: DeploymentStatus): boolean {
  const old = d.status ?? {};
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (s.replicas ?? 0) - (s.updatedReplicas ?? 0);
  return (s.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) || newOld < oldOld || (s.readyReplicas ?? 0) > (old.readyReplicas ?? 0) || (s.availableReplicas ?? 0) > (old.availableReplicas ?? 0);
}

/** No progress reported for progressDeadlineSeconds: upstream's DeploymentTimedOut. */
export function hasTimedOut(d: Deployment, s: DeploymentStatus, now: number): boolean {
  if (!hasProgressDeadline(d)) return false;
  const c = getCondition(s, "Progressing");
  if (!c || c.reason === Reason.NewRSAvailable) return false;
  if (c.reason === Reason.TimedOut) return true;
  return Date.parse(c.lastUpdateTime) + deadlineOf(d) * 1000 < now;
}

/** When a deployment still progressing should be looked at again to see whether it timed out (ms), if at all. */
export function recheckAfter(d: Deployment, s: DeploymentStatus, now: number): number | undefined {
  const c = getCondition(s, "Progressing");
  if (!hasProgressDeadline(d) || !c || isComplete(d, s) || c.reason === Reason.TimedOut) return undefined;
  const after = Date.parse(c.lastUpdateTime) + deadlineOf(d) * 1000 - now;
  return after < 1000 ? 0 : after + 1000;
}

/** The Available condition from how many pods are available against the unavailability allowance. */
export function setAvailability(d: Deployment, s: DeploymentStatus, now: number): void {
  if ((s.availableReplicas ?? 0) >= replicasOf(d) - maxUnavailable(d)) {
    setCondition(s, condition("Available", "True", Reason.MinimumReplicasAvailable, "Deployment has minimum availability.", now));
  } else {
    setCondition(s, condition("Available", "False", Reason.MinimumReplicasUnavailable, "Deployment does not have minimum availability.", now));
  }
}
