/** The controller manager's public entry: what controller plugins build on. */
export { ControllerManager } from "./points.js";
export type { Controller } from "./controller.js";
export type { ControllerManagerHandle } from "./handle.js";
export { parseDuration } from "../api/durations.js";
export { ReplicaSetController, type ReplicaSetControllerArgs, type ReplicaSetKind } from "./workloads/replica-set-controller.js";
export type { ReplicaSetLike } from "./workloads/replica-set-status.js";
export { claimObjects, controllerOf, controllerRef, type ClaimOptions } from "./workloads/controller-ref.js";
export { ControllerExpectations } from "./workloads/expectations.js";
export { deletionOrder, type Pod } from "./workloads/pods.js";
export { slowStartBatch } from "./workloads/slow-start.js";
export * from "./endpoint-util.js";
export * from "./endpointslice-reconciler.js";
export { SliceWriteTracker } from "./endpointslice-tracker.js";
