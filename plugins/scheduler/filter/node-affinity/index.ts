import { definePlugin } from "../../../../core/kernel/define-plugin.js";
import type { JsonSchema } from "../../../../core/kernel/json-schema.js";
import { anyTermMatches, termMatches } from "../../../../core/scheduler/helpers/node-selector.js";
import { defaultNormalizeScore } from "../../../../core/scheduler/helpers/normalize.js";
import { Scheduler, type FilterPlugin, type ScorePlugin } from "../../../../core/scheduler/points.js";
import { Status } from "../../../../core/scheduler/status.js";
import type { Node, Pod, PodSpec } from "../../../../core/scheduler/types.js";
import schema from "../../../../schemas/plugins/scheduler/node-affinity.args.schema.json" with { type: "json" };

export const ERR_REASON = "node(s) didn't match Pod's node affinity/selector";

type NodeAffinity = NonNullable<NonNullable<PodSpec["affinity"]>["nodeAffinity"]>;
export interface NodeAffinityArgs {
  addedAffinity?: NodeAffinity;
}

function requiredMatches(affinity: NodeAffinity | undefined, node: Node): boolean {
  const terms = affinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  return !terms || anyTermMatches(terms, node);
}

function preferredScore(affinity: NodeAffinity | undefined, node: Node): number {
  let score = 0;
  for (const p of affinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []) if (p.weight && termMatches(p.preference, node)) score += p.weight;
  return score;
}

/** nodeSelector, required terms (ORed) and the profile's addedAffinity must all hold; preferred terms add their weights. */
export function nodeAffinity(args: NodeAffinityArgs): FilterPlugin & ScorePlugin {
  const added = args.addedAffinity;
  const fits = (pod: Pod, node: Node) => {
    const labels = node.metadata.labels ?? {};
    for (const [k, v] of Object.entries(pod.spec.nodeSelector ?? {})) if (labels[k] !== v) return false;
    return requiredMatches(pod.spec.affinity?.nodeAffinity, node) && requiredMatches(added, node);
  };
  return {
    filter: (_state, pod, node) => (fits(pod, node.node) ? undefined : Status.unresolvable(ERR_REASON)),
    score: (_state, pod, node) => preferredScore(pod.spec.affinity?.nodeAffinity, node.node) + preferredScore(added, node.node),
    normalizeScore: (_state, _pod, scores) => defaultNormalizeScore(scores, false),
    events: () => [{ resource: "Node", action: "Add" }, { resource: "Node", action: "Update" }, { resource: "Pod", action: "Update" }],
  };
}

export default definePlugin<NodeAffinityArgs, unknown, FilterPlugin & ScorePlugin>({
  name: "NodeAffinity",
  serves: [Scheduler.filter, Scheduler.score],
  args: schema as JsonSchema,
  description: "Matches nodeSelector and node affinity; scores preferred terms by weight",
  upstream: "kube-scheduler NodeAffinity",
  create: (args) => nodeAffinity(args),
});
