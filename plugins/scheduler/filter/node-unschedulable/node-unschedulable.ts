import { Status, tolerates, type ClusterEventWithHint, type EnqueueExtensions, type FilterPlugin, type Node, type NodeInfo, type Pod } from "../../../../core/scheduler/index.js";

export const ERR_REASON_UNSCHEDULABLE = "node(s) were unschedulable";
const TAINT = { key: "node.kubernetes.io/unschedulable", effect: "NoSchedule" } as const;

export class NodeUnschedulable implements FilterPlugin, EnqueueExtensions {
  filter(_state: unknown, pod: Pod, nodeInfo: NodeInfo): Status {
    if (!nodeInfo.node?.spec?.unschedulable) return Status.success();
    if ((pod.spec.tolerations ?? []).some((t) => tolerates(t, TAINT))) return Status.success();
    return Status.unresolvable(ERR_REASON_UNSCHEDULABLE);
  }

  eventsToRegister(): readonly ClusterEventWithHint[] {
    return [
      {
        event: { resource: "Node", actions: ["Add", "UpdateNodeTaint"] },
        hint: (_pod, _old, newObj) => ((newObj as Node | undefined)?.spec?.unschedulable ? "QueueSkip" : "Queue"),
      },
    ];
  }
}
