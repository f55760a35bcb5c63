import type { Pod } from "./types.js";
import { podKey } from "./types.js";

/** A pod waiting in the scheduling queue, with the bookkeeping back-off and requeueing need. */
export interface QueuedPodInfo {
  pod: Pod;
  readonly key: string;
  /** When it last entered the queue (PrioritySort's tie-breaker). */
  timestamp: number;
  /** When it was first added; for the attempt-to-schedule latency. */
  readonly initialAttemptTimestamp: number;
  attempts: number;
  /** Plugins that rejected it last time; only their events bring it back. */
  unschedulablePlugins: Set<string>;
  /** Set while a PreEnqueue plugin keeps it out of the active queue. */
  gatedBy?: string;
}

export function newQueuedPodInfo(pod: Pod, now: number): QueuedPodInfo {
  return { pod, key: podKey(pod), timestamp: now, initialAttemptTimestamp: now, attempts: 0, unschedulablePlugins: new Set() };
}
