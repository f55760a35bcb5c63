import { Status, type ClusterEventWithHint, type EnqueueExtensions, type FilterPlugin, type NodeInfo, type Pod } from "../../../../core/scheduler/index.js";

export const ERR_REASON = "node(s) didn't match the requested node name";

export class NodeName implements FilterPlugin, EnqueueExtensions {
  filter(_state: unknown, pod: Pod, nodeInfo: NodeInfo): Status {
    const want = pod.spec.nodeName;
    return !want || want === nodeInfo.name ? Status.success() : Status.unresolvable(ERR_REASON);
  }

  eventsToRegister(): readonly ClusterEventWithHint[] {
    return [{ event: { resource: "Node", actions: ["Add"] } }];
  }
}
