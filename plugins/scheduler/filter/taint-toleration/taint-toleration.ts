import {
  Status,
  defaultNormalizeScore,
  findUntoleratedTaint,
  formatTaint,
  tolerates,
  type ClusterEventWithHint,
  type CycleState,
  type EnqueueExtensions,
  type FilterPlugin,
  type Node,
  type NodeInfo,
  type NodeScore,
  type Pod,
  type PreScorePlugin,
  type ScorePlugin,
  type StateData,
  type Toleration,
  MAX_NODE_SCORE,
} from "../../../../core/scheduler/index.js";

const KEY = "PreScoreTaintToleration";

class PreferTolerations implements StateData {
  constructor(readonly tolerations: Toleration[]) {}
  clone(): StateData {
    return this;
  }
}

const blocking = (t: { effect: string }) => t.effect === "NoSchedule" || t.effect === "NoExecute";

export class TaintToleration implements FilterPlugin, PreScorePlugin, ScorePlugin, EnqueueExtensions {
  filter(_state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status {
    const taint = findUntoleratedTaint(nodeInfo.node?.spec?.taints ?? [], pod.spec.tolerations ?? [], blocking);
    return taint ? Status.unresolvable(`node(s) had untolerated taint ${formatTaint(taint)}`) : Status.success();
  }

  preScore(state: CycleState, pod: Pod): Status {
    state.write(KEY, new PreferTolerations((pod.spec.tolerations ?? []).filter((t) => !t.effect || t.effect === "PreferNoSchedule")));
    return Status.success();
  }

  /** The number of PreferNoSchedule taints the pod does not tolerate; fewer is better. */
  score(state: CycleState, pod: Pod, nodeInfo: NodeInfo): number {
    const tols = state.read<PreferTolerations>(KEY)?.tolerations ?? pod.spec.tolerations ?? [];
    let n = 0;
    for (const taint of nodeInfo.node?.spec?.taints ?? []) {
      if (taint.effect === "PreferNoSchedule" && !tols.some((t) => tolerates(t, taint))) n++;
    }
    return n;
  }

  normalizeScore(_state: CycleState, _pod: Pod, scores: NodeScore[]): Status {
    defaultNormalizeScore(MAX_NODE_SCORE, true, scores);
    return Status.success();
  }

  eventsToRegister(): readonly ClusterEventWithHint[] {
    return [
      {
        event: { resource: "Node", actions: ["Add", "UpdateNodeTaint"] },
        hint: (pod, _old, newObj) => {
          const node = newObj as Node | undefined;
          return node && !findUntoleratedTaint(node.spec?.taints ?? [], pod.spec.tolerations ?? [], blocking) ? "Queue" : "QueueSkip";
        },
      },
      { event: { resource: "UnscheduledPod", actions: ["UpdatePodTolerations"] } },
    ];
  }
}
