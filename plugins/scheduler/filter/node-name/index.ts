import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import { Scheduler, type FilterPlugin } from "../../../../core/scheduler/points.js";
import { Status } from "../../../../core/scheduler/status.js";

export const ERR_REASON = "node(s) didn't match the requested node name";

/** A pod that names a node (spec.nodeName) fits only that node. */
export const nodeName: FilterPlugin = {
  filter: (_state, pod, node) => {
    if (pod.spec.nodeName && pod.spec.nodeName !== node.name) return Status.unresolvable(ERR_REASON);
  },
  events: () => [{ resource: "Node", action: "Add" }],
};

export default definePlugin<Record<string, never>, unknown, FilterPlugin>({
  name: "NodeName",
  serves: [Scheduler.filter],
  description: "Checks that the node is the one the pod names in spec.nodeName",
  upstream: "kube-scheduler NodeName",
  create: () => nodeName,
});
