/**
 * The scheduler's public entry point for plugins: the framework's types, points,
 * handle and helpers. Plugins import from here and nowhere else in core/scheduler.
 */
export * from "./api-types.js";
export { Code, Status, isOk, toStatus, type MaybeStatus, type PlainStatus } from "./status.js";
export { CycleState, type StateData } from "./cycle-state.js";
export { NodeInfo, PodInfo, hostPorts, type ImageState } from "./node-info.js";
export { Snapshot } from "./snapshot.js";
export { podRequests, toResources, DEFAULT_MEMORY_REQUEST, DEFAULT_MILLI_CPU_REQUEST, type Resources } from "./resources.js";
export * from "./plugin-api.js";
export type { ClusterEvent, ClusterEventWithHint, QueueingHint, ActionType, EventResource } from "./cluster-events.js";
export { Scheduler } from "./points.js";
export type { SchedulerHandle, FrameworkHandle, WaitingPod } from "./handle.js";
export type { ClusterWriter, ClusterListers, EventSink } from "./cluster.js";
export { fitErrorMessage, reasonHistogram } from "./fit-error.js";
export { nodeSelectorMatches, podMatchesNodeSelectorAndAffinity, termMatches } from "./helpers/node-selector.js";
export { tolerates, findUntoleratedTaint, formatTaint } from "./helpers/taints.js";
export { defaultNormalizeScore } from "./helpers/normalize-score.js";
export { compileSelector, withLabelKeys } from "./helpers/pod-selectors.js";
export { requestedWithPod } from "./helpers/resource-allocation.js";
