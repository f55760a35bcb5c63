import {
  Status,
  defaultNormalizeScore,
  nodeSelectorMatches,
  podMatchesNodeSelectorAndAffinity,
  termMatches,
  MAX_NODE_SCORE,
  type ClusterEventWithHint,
  type CycleState,
  type EnqueueExtensions,
  type FilterPlugin,
  type Node,
  type NodeAffinity,
  type NodeInfo,
  type NodeScore,
  type NodeSelectorTerm,
  type Pod,
  type PreFilterPlugin,
  type PreFilterResult,
  type PreScorePlugin,
  type ScorePlugin,
  type StateData,
} from "../../../../core/scheduler/index.js";
import type { NodeAffinityArgs } from "../../../../schemas/generated/plugins/scheduler/node-affinity.args.js";

export const ERR_REASON_POD = "node(s) didn't match Pod's node affinity/selector";
export const ERR_REASON_ENFORCED = "node(s) didn't match scheduler-enforced node affinity";
const KEY = "PreScoreNodeAffinity";

type Preferred = { weight: number; preference: NodeSelectorTerm }[];

class PreferredTerms implements StateData {
  constructor(readonly terms: Preferred) {}
  clone(): StateData {
    return this;
  }
}

export class NodeAffinityPlugin implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin, EnqueueExtensions {
  private readonly added?: NodeAffinity;

  constructor(args: NodeAffinityArgs) {
    this.added = args.addedAffinity as NodeAffinity | undefined;
  }

  /** Skips when nothing constrains the pod; narrows the nodes when every required term pins metadata.name. */
  preFilter(_state: CycleState, pod: Pod): Status | PreFilterResult {
    const req = pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
    if (!req && !pod.spec.nodeSelector && !this.added?.requiredDuringSchedulingIgnoredDuringExecution) return Status.skip();
    if (!req) return Status.success();
    const names = new Set<string>();
    for (const t of req.nodeSelectorTerms) {
      const byName = (t.matchFields ?? []).find((f) => f.key === "metadata.name" && f.operator === "In");
      if (!byName || t.matchFields!.length !== 1 || t.matchExpressions?.length) return Status.success();
      for (const v of byName.values ?? []) names.add(v);
    }
    if (!names.size) return Status.unresolvable(ERR_REASON_POD);
    return { nodeNames: names };
  }

  filter(_state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status {
    const node = nodeInfo.node!;
    const added = this.added?.requiredDuringSchedulingIgnoredDuringExecution;
    if (added && !nodeSelectorMatches(added, node)) return Status.unresolvable(ERR_REASON_ENFORCED);
    return podMatchesNodeSelectorAndAffinity(pod, node) ? Status.success() : Status.unresolvable(ERR_REASON_POD);
  }

  preScore(state: CycleState, pod: Pod): Status {
    const terms: Preferred = [...(this.added?.preferredDuringSchedulingIgnoredDuringExecution ?? []), ...(pod.spec.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [])];
    if (!terms.length) return Status.skip();
    state.write(KEY, new PreferredTerms(terms));
    return Status.success();
  }

  /** The sum of the weights of the preferred terms the node matches. */
  score(state: CycleState, _pod: Pod, nodeInfo: NodeInfo): number {
    let sum = 0;
    for (const t of state.read<PreferredTerms>(KEY)?.terms ?? []) if (t.weight && termMatches(t.preference, nodeInfo.node!)) sum += t.weight;
    return sum;
  }

  normalizeScore(_state: CycleState, _pod: Pod, scores: NodeScore[]): Status {
    defaultNormalizeScore(MAX_NODE_SCORE, false, scores);
    return Status.success();
  }

  eventsToRegister(): readonly ClusterEventWithHint[] {
    return [
      {
        event: { resource: "Node", actions: ["Add", "UpdateNodeLabel", "UpdateNodeTaint"] },
        hint: (pod, _old, newObj) => {
          const node = newObj as Node | undefined;
          if (!node) return "QueueSkip";
          const added = this.added?.requiredDuringSchedulingIgnoredDuringExecution;
          if (added && !nodeSelectorMatches(added, node)) return "QueueSkip";
          return podMatchesNodeSelectorAndAffinity(pod, node) ? "Queue" : "QueueSkip";
        },
      },
    ];
  }
}
