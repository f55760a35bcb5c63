import {
  Status,
  hostPorts,
  type ClusterEventWithHint,
  type CycleState,
  type EnqueueExtensions,
  type FilterPlugin,
  type NodeInfo,
  type Pod,
  type PreFilterPlugin,
  type StateData,
} from "../../../../core/scheduler/index.js";

export const ERR_REASON = "node(s) didn't have free ports for the requested pod ports";
const KEY = "PreFilterNodePorts";

class WantedPorts implements StateData {
  constructor(readonly ports: ReturnType<typeof hostPorts>) {}
  clone(): StateData {
    return this;
  }
}

export class NodePorts implements PreFilterPlugin, FilterPlugin, EnqueueExtensions {
  preFilter(state: CycleState, pod: Pod): Status {
    const ports = hostPorts(pod);
    if (!ports.length) return Status.skip();
    state.write(KEY, new WantedPorts(ports));
    return Status.success();
  }

  filter(state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status {
    const wanted = state.read<WantedPorts>(KEY)?.ports ?? hostPorts(pod);
    for (const p of wanted) if (nodeInfo.portInUse(p.protocol, p.ip, p.port)) return Status.unschedulable(ERR_REASON);
    return Status.success();
  }

  eventsToRegister(): readonly ClusterEventWithHint[] {
    return [{ event: { resource: "AssignedPod", actions: ["Delete"] } }, { event: { resource: "Node", actions: ["Add", "Update"] } }];
  }
}
