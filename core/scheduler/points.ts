import { definePoint } from "../kernel/extension-point.js";
import type { CycleState } from "./cycle-state.js";
import type { NodeInfo } from "./node-info.js";
import type { QueuedPodInfo } from "./queued-pod.js";
import type { Status } from "./status.js";
import type { Pod } from "./types.js";

/** A cluster change that may make a rejected pod schedulable (upstream's ClusterEvent). */
export interface ClusterEvent {
  resource: "Pod" | "Node" | "PersistentVolumeClaim" | "PersistentVolume" | "StorageClass" | "CSINode" | "PodSchedulingGates" | "*";
  action: "Add" | "Update" | "Delete" | "*";
}

/** Plugins at queue-facing points say which events should bring back the pods they rejected. */
export interface EnqueueExtensions {
  events?(): ClusterEvent[];
}

export interface QueueSortPlugin {
  less(a: QueuedPodInfo, b: QueuedPodInfo): boolean;
}
export interface PreEnqueuePlugin extends EnqueueExtensions {
  preEnqueue(pod: Pod): Status | void;
}
/** `nodeNames` narrows the nodes Filter looks at; results of several plugins intersect. */
export interface PreFilterResult {
  nodeNames?: ReadonlySet<string>;
}
export interface PreFilterPlugin extends EnqueueExtensions {
  preFilter(state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): Status | PreFilterResult | void;
}
export interface FilterPlugin extends EnqueueExtensions {
  filter(state: CycleState, pod: Pod, node: NodeInfo): Status | void;
}
export interface PostFilterResult {
  nominatedNodeName?: string;
  status: Status;
}
export interface PostFilterPlugin {
  postFilter(state: CycleState, pod: Pod, filtered: ReadonlyMap<string, Status>): Promise<PostFilterResult> | PostFilterResult;
}
export interface PreScorePlugin {
  preScore(state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): Status | void;
}
export interface NodeScore {
  name: string;
  score: number;
}
export interface ScorePlugin {
  score(state: CycleState, pod: Pod, node: NodeInfo): number;
  /** Rewrites this plugin's raw scores into [0, 100]. */
  normalizeScore?(state: CycleState, pod: Pod, scores: NodeScore[]): Status | void;
}
export interface ReservePlugin extends EnqueueExtensions {
  reserve(state: CycleState, pod: Pod, nodeName: string): Status | void;
  unreserve(state: CycleState, pod: Pod, nodeName: string): void;
}
export interface PermitResult {
  status?: Status;
  /** How long a Wait lasts before the pod is rejected; capped at 15 minutes. */
  timeoutMs?: number;
}
export interface PermitPlugin extends EnqueueExtensions {
  permit(state: CycleState, pod: Pod, nodeName: string): PermitResult | void;
}
export interface PreBindPlugin {
  preBind(state: CycleState, pod: Pod, nodeName: string): Promise<Status | void> | Status | void;
}
export interface BindPlugin {
  /** Skip means "not mine": the next binder is tried. */
  bind(state: CycleState, pod: Pod, nodeName: string): Promise<Status | void> | Status | void;
}
export interface PostBindPlugin {
  postBind(state: CycleState, pod: Pod, nodeName: string): void;
}

/** The scheduler's extension points, in the order the framework calls them. */
export const Scheduler = {
  queueSort: definePoint<QueueSortPlugin>({ id: "scheduler.queueSort", kind: "single", description: "Orders the active queue", methods: ["less"] }),
  preEnqueue: definePoint<PreEnqueuePlugin>({ id: "scheduler.preEnqueue", kind: "ordered", description: "Gates a pod before it enters the active queue", methods: ["preEnqueue"] }),
  preFilter: definePoint<PreFilterPlugin>({ id: "scheduler.preFilter", kind: "ordered", description: "Checks and precomputes per pod; may narrow the nodes", methods: ["preFilter"] }),
  filter: definePoint<FilterPlugin>({ id: "scheduler.filter", kind: "ordered", description: "Rules a node in or out for a pod", methods: ["filter"] }),
  postFilter: definePoint<PostFilterPlugin>({ id: "scheduler.postFilter", kind: "ordered", description: "Runs when no node fits (preemption)", methods: ["postFilter"] }),
  preScore: definePoint<PreScorePlugin>({ id: "scheduler.preScore", kind: "ordered", description: "Precomputes for scoring", methods: ["preScore"] }),
  score: definePoint<ScorePlugin>({ id: "scheduler.score", kind: "ordered", weighted: true, description: "Ranks feasible nodes; weighted sum of normalized scores", methods: ["score"] }),
  reserve: definePoint<ReservePlugin>({ id: "scheduler.reserve", kind: "ordered", description: "Claims resources for the chosen node; undone in reverse on failure", methods: ["reserve", "unreserve"] }),
  permit: definePoint<PermitPlugin>({ id: "scheduler.permit", kind: "ordered", description: "Approves, rejects or holds a pod before binding", methods: ["permit"] }),
  preBind: definePoint<PreBindPlugin>({ id: "scheduler.preBind", kind: "ordered", description: "Work before binding (volumes)", methods: ["preBind"] }),
  bind: definePoint<BindPlugin>({ id: "scheduler.bind", kind: "ordered", description: "Binds the pod; the first binder that does not Skip wins", methods: ["bind"] }),
  postBind: definePoint<PostBindPlugin>({ id: "scheduler.postBind", kind: "ordered", description: "Informational, after a successful bind", methods: ["postBind"] }),
} as const;
