import type { NodeInfo } from "../node-info.js";
import type { Resources } from "../resources.js";

/**
 * For scoring: what would be requested of a resource on the node with the pod added.
 * cpu and memory use the non-zero requests (upstream's defaults for containers that
 * name none), other resources the real ones. (The allocatable side is
 * `nodeInfo.allocatable[resource]`.) Called per node and resource, so it allocates nothing.
 */
export function requestedWithPod(nodeInfo: NodeInfo, podRequests: Resources, podNonZero: Resources, resource: string): number {
  if (resource === "cpu" || resource === "memory") return (nodeInfo.nonZeroRequested[resource] ?? 0) + (podNonZero[resource] ?? 0);
  return (nodeInfo.requested[resource] ?? 0) + (podRequests[resource] ?? 0);
}
