import type { Pod } from "./api-types.js";

/** Kinds of objects whose changes can make a rejected pod schedulable. */
export type EventResource = "Pod" | "AssignedPod" | "UnscheduledPod" | "Node" | "PersistentVolume" | "PersistentVolumeClaim" | "StorageClass" | "CSINode" | "PodDisruptionBudget" | "*";
export type ActionType = "Add" | "Delete" | "Update" | "UpdateNodeLabel" | "UpdateNodeTaint" | "UpdateNodeAllocatable" | "UpdateNodeCondition" | "UpdatePodLabel" | "UpdatePodScaleDown" | "UpdatePodTolerations" | "UpdatePodSchedulingGatesEliminated" | "All";

export interface ClusterEvent {
  resource: EventResource;
  action: ActionType;
}

export type QueueingHint = "Queue" | "QueueSkip";

/** One event a plugin cares about, with an optional hint narrowing it to the pods it helps. */
export interface ClusterEventWithHint {
  event: { resource: EventResource; actions: readonly ActionType[] };
  hint?(pod: Pod, oldObj: unknown, newObj: unknown): QueueingHint;
}

export function eventMatches(registered: ClusterEventWithHint["event"], e: ClusterEvent): boolean {
  const resourceOk =
    registered.resource === "*" || registered.resource === e.resource || (registered.resource === "Pod" && (e.resource === "AssignedPod" || e.resource === "UnscheduledPod"));
  if (!resourceOk) return false;
  if (registered.actions.includes("All") || registered.actions.includes(e.action)) return true;
  // A fine-grained update is also an update.
  return e.action.startsWith("Update") && registered.actions.includes("Update");
}

export const eventLabel = (e: ClusterEvent) => `${e.resource}${e.action}`;
