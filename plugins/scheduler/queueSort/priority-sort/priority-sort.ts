import { podPriority, type QueuedPodInfo, type QueueSortPlugin } from "../../../../core/scheduler/index.js";

/** Higher priority first; among equals, the pod that entered the queue first. */
export class PrioritySort implements QueueSortPlugin {
  less(a: QueuedPodInfo, b: QueuedPodInfo): boolean {
    const pa = podPriority(a.podInfo.pod);
    const pb = podPriority(b.podInfo.pod);
    return pa > pb || (pa === pb && a.timestamp < b.timestamp);
  }
}
