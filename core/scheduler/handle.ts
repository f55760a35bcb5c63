import type { BaseHandle } from "../kernel/component.js";
import type { Pod } from "./api-types.js";
import type { ClusterListers, ClusterWriter, EventSink } from "./cluster.js";
import type { CycleState } from "./cycle-state.js";
import type { NodeInfo, PodInfo } from "./node-info.js";
import type { Snapshot } from "./snapshot.js";
import type { Status } from "./status.js";

/** A pod held at Permit; permit plugins allow or reject it by name. */
export interface WaitingPod {
  readonly pod: Pod;
  readonly nodeName: string;
  /** Plugins still holding it. */
  pendingPlugins(): string[];
  allow(plugin: string): void;
  reject(plugin: string, message: string): void;
}

/** The running profile's pipeline, for plugins that simulate it (preemption). */
export interface FrameworkHandle {
  readonly profileName: string;
  runFilterPlugins(state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status;
  /** Filters as if the pods nominated to this node with at least this pod's priority were there too. */
  runFilterPluginsWithNominatedPods(state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status;
  runPreFilterExtensionAddPod(state: CycleState, pod: Pod, toAdd: PodInfo, nodeInfo: NodeInfo): Status;
  runPreFilterExtensionRemovePod(state: CycleState, pod: Pod, toRemove: PodInfo, nodeInfo: NodeInfo): Status;
  getWaitingPod(uid: string): WaitingPod | undefined;
  iterateWaitingPods(fn: (wp: WaitingPod) => void): void;
}

/** What a scheduler plugin receives besides its args: upstream's framework.Handle. */
export interface SchedulerHandle extends BaseHandle {
  readonly cluster: ClusterWriter & ClusterListers;
  readonly events: EventSink;
  now(): number;
  /** The node snapshot of the cycle in progress. */
  snapshot(): Snapshot;
  /** The framework of the profile this plugin instance serves. */
  framework(): FrameworkHandle;
  nominatedPodsForNode(nodeName: string): readonly PodInfo[];
  readonly parallelism: number;
}
