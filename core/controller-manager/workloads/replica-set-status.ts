import { selectorFromSet } from "../../api/labels.js";
import type { KubeObject } from "../../client/index.js";
import { isPodAvailable, isPodReady, type Pod } from "./pods.js";

export interface ReplicaSetCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

export interface ReplicaSetStatus {
  replicas: number;
  fullyLabeledReplicas: number;
  readyReplicas: number;
  availableReplicas: number;
  observedGeneration?: number;
  conditions?: ReplicaSetCondition[];
}

/** A ReplicaSet or ReplicationController: the same controller serves both. */
export interface ReplicaSetLike extends KubeObject {
  spec: {
    replicas?: number;
    minReadySeconds?: number;
    selector?: unknown;
    template?: { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string>; finalizers?: string[] }; spec?: unknown };
  };
  status?: Partial<ReplicaSetStatus>;
}

/**
 * Upstream's calculateStatus: counts of the pods the set controls, and the ReplicaFailure
 * condition set while creating or deleting fails and removed once it succeeds again.
 */
export function calculateReplicaSetStatus(rs: ReplicaSetLike, pods: Pod[], failure: { reason: string; message: string } | undefined, now: number): ReplicaSetStatus {
  const template = selectorFromSet(rs.spec.template?.metadata?.labels ?? {});
  const minReady = rs.spec.minReadySeconds ?? 0;
  let fullyLabeled = 0;
  let ready = 0;
  let available = 0;
  for (const pod of pods) {
    if (template.matches(pod.metadata.labels ?? {})) fullyLabeled++;
    if (isPodReady(pod)) {
      ready++;
      if (isPodAvailable(pod, minReady, now)) available++;
    }
  }
  let conditions = (rs.status?.conditions ?? []).slice();
  const existing = conditions.find((c) => c.type === "ReplicaFailure");
  if (failure && !existing) {
    conditions.push({ type: "ReplicaFailure", status: "True", reason: failure.reason, message: failure.message, lastTransitionTime: new Date(now).toISOString().replace(/\.\d+Z$/, "Z") });
  } else if (!failure && existing) {
    conditions = conditions.filter((c) => c !== existing);
  }
  return {
    replicas: pods.length,
    fullyLabeledReplicas: fullyLabeled,
    readyReplicas: ready,
    availableReplicas: available,
    ...(rs.status?.observedGeneration !== undefined ? { observedGeneration: rs.status.observedGeneration } : {}),
    ...(conditions.length ? { conditions } : {}),
  };
}

/** Whether `status` says something `rs.status` does not, its generation included. */
export function statusChanged(rs: ReplicaSetLike, status: ReplicaSetStatus): boolean {
  const s = rs.status ?? {};
  return (
    (s.replicas ?? 0) !== status.replicas ||
    (s.fullyLabeledReplicas ?? 0) !== status.fullyLabeledReplicas ||
    (s.readyReplicas ?? 0) !== status.readyReplicas ||
    (s.availableReplicas ?? 0) !== status.availableReplicas ||
    s.observedGeneration !== rs.metadata.generation ||
    JSON.stringify(s.conditions ?? []) !== JSON.stringify(status.conditions ?? [])
  );
}
