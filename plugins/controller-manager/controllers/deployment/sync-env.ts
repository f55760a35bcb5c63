import type { Clock, EventRecorder, ObjectReference, ResourceClient } from "../../../../core/client/index.js";
import type { Pod } from "../../../../core/controller-manager/index.js";
import type { Deployment, ReplicaSet } from "./types.js";

/** What one sync of a Deployment reaches the world through. */
export interface SyncEnv {
  replicaSets(namespace: string): ResourceClient<ReplicaSet>;
  deployments(namespace: string): ResourceClient<Deployment>;
  /** The set as the cache has it now, by name. */
  cachedReplicaSet(namespace: string, name: string): ReplicaSet | undefined;
  /** Pods the cache says this set controls. */
  podsOf(rs: ReplicaSet): Pod[];
  recorder: EventRecorder;
  clock: Clock;
  requeueAfter(d: Deployment, ms: number): void;
}

export function deploymentRef(d: Deployment): ObjectReference {
  return { apiVersion: "apps/v1", kind: "Deployment", namespace: d.metadata.namespace!, name: d.metadata.name!, uid: d.metadata.uid! };
}
