import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import { findUntoleratedTaint, tolerates } from "../../../../core/scheduler/helpers/taints.js";
import { defaultNormalizeScore } from "../../../../core/scheduler/helpers/normalize.js";
import { Scheduler, type FilterPlugin, type ScorePlugin } from "../../../../core/scheduler/points.js";
import { Status } from "../../../../core/scheduler/status.js";

/**
 * Filter: a NoSchedule or NoExecute taint the pod does not tolerate rules the
 * node out. Score: fewer untolerated PreferNoSchedule taints is better.
 */
export const taintToleration: FilterPlugin & ScorePlugin = {
  filter: (_state, pod, node) => {
    const taint = findUntoleratedTaint(node.node.spec?.taints ?? [], pod.spec.tolerations ?? [], ["NoSchedule", "NoExecute"]);
    if (taint) return Status.unresolvable(`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ""}}`);
  },
  score: (_state, pod, node) => {
    const preferNoSchedule = (pod.spec.tolerations ?? []).filter((t) => !t.effect || t.effect === "PreferNoSchedule");
    return (node.node.spec?.taints ?? []).filter((taint) => taint.effect === "PreferNoSchedule" && !preferNoSchedule.some((t) => tolerates(t, taint))).length;
  },
  normalizeScore: (_state, _pod, scores) => defaultNormalizeScore(scores, true),
  events: () => [{ resource: "Node", action: "Add" }, { resource: "Node", action: "Update" }, { resource: "Pod", action: "Update" }],
};

export default definePlugin<Record<string, never>, unknown, FilterPlugin & ScorePlugin>({
  name: "TaintToleration",
  serves: [Scheduler.filter, Scheduler.score],
  description: "Honours node taints against pod tolerations; prefers nodes with fewer PreferNoSchedule taints",
  upstream: "kube-scheduler TaintToleration",
  create: () => taintToleration,
});
