import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import { tolerates } from "../../../../core/scheduler/helpers/taints.js";
import { Scheduler, type FilterPlugin } from "../../../../core/scheduler/points.js";
import { Status } from "../../../../core/scheduler/status.js";

export const ERR_REASON = "node(s) were unschedulable";
const UNSCHEDULABLE_TAINT = { key: "node.kubernetes.io/unschedulable", effect: "NoSchedule" as const };

/** Cordoned nodes (spec.unschedulable) take only pods tolerating the unschedulable taint. */
export const nodeUnschedulable: FilterPlugin = {
  filter: (_state, pod, node) => {
    if (!node.node.spec?.unschedulable) return;
    if ((pod.spec.tolerations ?? []).some((t) => tolerates(t, UNSCHEDULABLE_TAINT))) return;
    return Status.unresolvable(ERR_REASON);
  },
  events: () => [{ resource: "Node", action: "Add" }, { resource: "Node", action: "Update" }],
};

export default definePlugin<Record<string, never>, unknown, FilterPlugin>({
  name: "NodeUnschedulable",
  serves: [Scheduler.filter],
  description: "Filters out cordoned nodes unless the pod tolerates node.kubernetes.io/unschedulable",
  upstream: "kube-scheduler NodeUnschedulable",
  create: () => nodeUnschedulable,
});
