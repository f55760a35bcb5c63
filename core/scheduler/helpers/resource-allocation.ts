import type { NodeInfo } from "../node-info.js";
import type { Resources } from "../resources.js";

/**
 * For scoring: a resource's allocatable amount on the node and what would be
 * requested there with the pod added. cpu and memory use the non-zero requests
 * (upstream's defaults for containers that name none), other resources the real ones.
 */
export function requestedWithPod(nodeInfo: NodeInfo, podRequests: Resources, podNonZero: Resources, resource: string): { allocatable: number; requested: number } {
  const nonZero = resource === "cpu" || resource === "memory";
  const onNode = nonZero ? (nodeInfo.nonZeroRequested[resource] ?? 0) : (nodeInfo.requested[resource] ?? 0);
  const fromPod = nonZero ? (podNonZero[resource] ?? 0) : (podRequests[resource] ?? 0);
  return { allocatable: nodeInfo.allocatable[resource] ?? 0, requested: onNode + fromPod };
}
