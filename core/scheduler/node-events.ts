import type { Node } from "./api-types.js";
import type { ClusterEvent } from "./cluster-events.js";

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** What changed on a node, as upstream's fine-grained node update events. */
export function nodeUpdateEvents(oldNode: Node, newNode: Node): ClusterEvent[] {
  const out: ClusterEvent[] = [];
  if (!same(oldNode.status?.allocatable, newNode.status?.allocatable)) out.push({ resource: "Node", action: "UpdateNodeAllocatable" });
  if (!same(oldNode.metadata.labels, newNode.metadata.labels)) out.push({ resource: "Node", action: "UpdateNodeLabel" });
  if (!same(oldNode.spec?.taints, newNode.spec?.taints) || !!oldNode.spec?.unschedulable !== !!newNode.spec?.unschedulable) out.push({ resource: "Node", action: "UpdateNodeTaint" });
  if (!same(oldNode.status?.conditions?.map((c) => [c.type, c.status]), newNode.status?.conditions?.map((c) => [c.type, c.status]))) out.push({ resource: "Node", action: "UpdateNodeCondition" });
  return out;
}
