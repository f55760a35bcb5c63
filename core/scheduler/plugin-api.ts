import type { Pod } from "./api-types.js";
import type { ClusterEventWithHint } from "./cluster-events.js";
import type { CycleState } from "./cycle-state.js";
import type { NodeInfo, PodInfo } from "./node-info.js";
import type { MaybeStatus, Status } from "./status.js";

/** What the queue knows of a pod while it waits. */
export interface QueuedPodInfo {
  podInfo: PodInfo;
  /** When it first entered the queue and when it last did (ms since epoch). */
  initialAttemptTimestamp: number;
  timestamp: number;
  attempts: number;
  /** Plugins that rejected it in its last attempt; only their events wake it. */
  unschedulablePlugins: Set<string>;
  pendingPlugins: Set<string>;
  gatedBy?: string;
}

export interface QueueSortPlugin {
  less(a: QueuedPodInfo, b: QueuedPodInfo): boolean;
}

export interface PreEnqueuePlugin {
  preEnqueue(pod: Pod): MaybeStatus;
}

/** Plugins that reject pods say which cluster events could change their mind. */
export interface EnqueueExtensions {
  eventsToRegister(): readonly ClusterEventWithHint[];
}

/** A PreFilter may narrow the nodes worth filtering; results of several plugins intersect. */
export interface PreFilterResult {
  nodeNames: ReadonlySet<string>;
}

export interface PreFilterExtensions {
  addPod(state: CycleState, podToSchedule: Pod, podToAdd: PodInfo, nodeInfo: NodeInfo): MaybeStatus;
  removePod(state: CycleState, podToSchedule: Pod, podToRemove: PodInfo, nodeInfo: NodeInfo): MaybeStatus;
}

export interface PreFilterPlugin {
  preFilter(state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): MaybeStatus | PreFilterResult;
  preFilterExtensions?(): PreFilterExtensions | undefined;
}

export interface FilterPlugin {
  filter(state: CycleState, pod: Pod, nodeInfo: NodeInfo): MaybeStatus;
}

/** Why each node was rejected in a cycle, by node name. */
export type NodeToStatus = Map<string, Status>;

export interface PostFilterResult {
  nominatedNodeName?: string;
  status: Status;
}

export interface PostFilterPlugin {
  postFilter(state: CycleState, pod: Pod, filtered: NodeToStatus): Promise<PostFilterResult> | PostFilterResult;
}

export interface PreScorePlugin {
  preScore(state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): MaybeStatus;
}

export interface NodeScore {
  name: string;
  score: number;
}

export const MIN_NODE_SCORE = 0;
export const MAX_NODE_SCORE = 100;

export interface ScorePlugin {
  /** A raw score, or a Status when scoring failed. */
  score(state: CycleState, pod: Pod, nodeInfo: NodeInfo): number | Status;
  /** Rewrites the whole list into [0, 100] after every node is scored. */
  normalizeScore?(state: CycleState, pod: Pod, scores: NodeScore[]): MaybeStatus;
}

export interface ReservePlugin {
  reserve(state: CycleState, pod: Pod, nodeName: string): MaybeStatus | Promise<MaybeStatus>;
  /** Idempotent; runs in reverse order when a later step fails. */
  unreserve(state: CycleState, pod: Pod, nodeName: string): void | Promise<void>;
}

export interface PermitResult {
  status?: Status;
  /** How long a Wait may last; capped at 15 minutes. */
  timeoutMs?: number;
}

export interface PermitPlugin {
  permit(state: CycleState, pod: Pod, nodeName: string): PermitResult | Promise<PermitResult>;
}

export interface PreBindPlugin {
  preBind(state: CycleState, pod: Pod, nodeName: string): MaybeStatus | Promise<MaybeStatus>;
}

/** Binders are tried in order until one does not Skip. */
export interface BindPlugin {
  bind(state: CycleState, pod: Pod, nodeName: string): MaybeStatus | Promise<MaybeStatus>;
}

export interface PostBindPlugin {
  postBind(state: CycleState, pod: Pod, nodeName: string): void;
}
