import type { LabelSelector, Node, PersistentVolumeClaim, Pod, PodCondition, PodDisruptionBudget } from "./api-types.js";

/**
 * What the scheduler needs from the cluster, kept small so the framework and its
 * plugins run in memory in tests and benchmarks; the component implements it over
 * the API client and shared informers.
 */
export interface ClusterWriter {
  /** POST pods/binding. */
  bind(pod: Pod, nodeName: string): Promise<void>;
  /** Deletes a preemption victim gracefully (its own grace period unless one is given). */
  deletePod(pod: Pod, gracePeriodSeconds?: number): Promise<void>;
  /** Patches status: a condition (by type) and/or the nominated node (null clears it). */
  patchPodStatus(pod: Pod, patch: { condition?: PodCondition; nominatedNodeName?: string | null }): Promise<void>;
}

/** Read access to objects plugins consult beyond nodes and pods. */
export interface ClusterListers {
  podDisruptionBudgets(namespace?: string): PodDisruptionBudget[];
  persistentVolumeClaim(namespace: string, name: string): PersistentVolumeClaim | undefined;
  /** Selectors of the Services, ReplicationControllers, ReplicaSets and StatefulSets that own or select the pod. */
  podOwnerSelectors(pod: Pod): LabelSelector[];
}

export interface EventSink {
  /** An events.k8s.io Event about `regarding` (reason FailedScheduling, Scheduled, Preempted, …). */
  event(regarding: Pod, type: "Normal" | "Warning", reason: string, action: string, note: string): void;
}

/** Callbacks a cluster source drives: informer handlers upstream. */
export interface ClusterHandlers {
  podAdded(pod: Pod): void;
  podUpdated(oldPod: Pod, newPod: Pod): void;
  podDeleted(pod: Pod): void;
  nodeAdded(node: Node): void;
  nodeUpdated(oldNode: Node, newNode: Node): void;
  nodeDeleted(node: Node): void;
  /** Another kind changed (PersistentVolumeClaim, PodDisruptionBudget, …). */
  otherChanged(resource: "PersistentVolume" | "PersistentVolumeClaim" | "StorageClass" | "CSINode" | "PodDisruptionBudget", action: "Add" | "Update" | "Delete", oldObj: unknown, newObj: unknown): void;
}

export interface ClusterSource {
  /** Delivers the current objects as adds, then changes; resolves once the initial lists are in. */
  start(handlers: ClusterHandlers, signal: AbortSignal): Promise<void>;
}

export type Cluster = ClusterWriter & ClusterListers & ClusterSource & EventSink;
