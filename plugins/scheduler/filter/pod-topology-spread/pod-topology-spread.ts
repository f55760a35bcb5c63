import {
  Status,
  compileSelector,
  type ClusterEventWithHint,
  type CycleState,
  type EnqueueExtensions,
  type FilterPlugin,
  type NodeInfo,
  type NodeScore,
  type Pod,
  type PodInfo,
  type PreFilterExtensions,
  type PreFilterPlugin,
  type PreScorePlugin,
  type SchedulerHandle,
  type ScorePlugin,
  type StateData,
  type TopologySpreadConstraint,
  MAX_NODE_SCORE,
} from "../../../../core/scheduler/index.js";
import type { PodTopologySpreadArgs } from "../../../../schemas/generated/plugins/scheduler/pod-topology-spread.args.js";
import { SYSTEM_DEFAULT_CONSTRAINTS, compileConstraints, countMatching, nodeCounts, type Constraint } from "./constraints.js";

export const ERR_REASON_CONSTRAINTS_NOT_MATCH = "node(s) didn't match pod topology spread constraints";
export const ERR_REASON_NODE_LABEL_NOT_MATCH = `${ERR_REASON_CONSTRAINTS_NOT_MATCH} (missing required label)`;
const PRE_FILTER_KEY = "PreFilterPodTopologySpread";
const PRE_SCORE_KEY = "PreScorePodTopologySpread";
const HOSTNAME = "kubernetes.io/hostname";

/** Matching pods per topology pair (`key\0value`), per hard constraint. */
class FilterState implements StateData {
  constructor(
    readonly constraints: Constraint[],
    readonly counts: Map<string, number>[],
    /** Domains per constraint, for the global minimum. */
    readonly domains: Set<string>[],
  ) {}
  clone(): FilterState {
    return new FilterState(
      this.constraints,
      this.counts.map((m) => new Map(m)),
      this.domains,
    );
  }
  minMatch(i: number): number {
    const c = this.constraints[i]!;
    if (this.domains[i]!.size < c.minDomains) return 0;
    let min = Infinity;
    for (const d of this.domains[i]!) min = Math.min(min, this.counts[i]!.get(d) ?? 0);
    return min === Infinity ? 0 : min;
  }
}

class ScoreState implements StateData {
  constructor(
    readonly constraints: Constraint[],
    readonly pairCounts: Map<string, number>[],
    readonly weights: number[],
    readonly ignored: Set<string>,
  ) {}
  clone(): StateData {
    return this;
  }
}

const pair = (key: string, value: string) => `${key}\0${value}`;

export class PodTopologySpread implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin, EnqueueExtensions {
  private readonly defaults: TopologySpreadConstraint[];

  constructor(
    args: PodTopologySpreadArgs,
    private readonly handle: SchedulerHandle,
  ) {
    this.defaults = args.defaultingType === "List" ? ((args.defaultConstraints ?? []) as TopologySpreadConstraint[]) : SYSTEM_DEFAULT_CONSTRAINTS;
  }

  /** The pod's own constraints, or the defaults with a selector from its owners and Services. */
  private constraintsFor(pod: Pod, when: "DoNotSchedule" | "ScheduleAnyway"): Constraint[] {
    if (pod.spec.topologySpreadConstraints?.length) return compileConstraints(pod, pod.spec.topologySpreadConstraints, when);
    const selectors = this.handle.cluster.podOwnerSelectors(pod);
    if (!selectors.length) return [];
    const merged = { matchLabels: Object.assign({}, ...selectors.map((s) => s.matchLabels ?? {})), matchExpressions: selectors.flatMap((s) => s.matchExpressions ?? []) };
    return compileConstraints(pod, this.defaults.map((c) => ({ ...c, labelSelector: merged })), when).map((c) => ({ ...c, selector: compileSelector(merged) }));
  }

  preFilter(state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): Status {
    const constraints = this.constraintsFor(pod, "DoNotSchedule");
    if (!constraints.length) return Status.skip();
    const ns = pod.metadata.namespace ?? "default";
    const counts = constraints.map(() => new Map<string, number>());
    const domains = constraints.map(() => new Set<string>());
    for (const ni of nodes) {
      if (!ni.node || !nodeCounts(pod, ni.node, constraints)) continue;
      const labels = ni.node.metadata.labels!;
      constraints.forEach((c, i) => {
        const p = pair(c.topologyKey, labels[c.topologyKey]!);
        domains[i]!.add(p);
        counts[i]!.set(p, (counts[i]!.get(p) ?? 0) + countMatching(ni.pods, ns, c.selector));
      });
    }
    state.write(PRE_FILTER_KEY, new FilterState(constraints, counts, domains));
    return Status.success();
  }

  preFilterExtensions(): PreFilterExtensions {
    const update = (state: CycleState, pod: Pod, other: PodInfo, nodeInfo: NodeInfo, delta: number): Status => {
      const fs = state.read<FilterState>(PRE_FILTER_KEY);
      if (!fs || !nodeInfo.node || (other.pod.metadata.namespace ?? "default") !== (pod.metadata.namespace ?? "default")) return Status.success();
      if (!nodeCounts(pod, nodeInfo.node, fs.constraints)) return Status.success();
      const labels = nodeInfo.node.metadata.labels!;
      fs.constraints.forEach((c, i) => {
        if (!c.selector.matches(other.pod.metadata.labels ?? {})) return;
        const p = pair(c.topologyKey, labels[c.topologyKey]!);
        fs.counts[i]!.set(p, (fs.counts[i]!.get(p) ?? 0) + delta);
      });
      return Status.success();
    };
    return {
      addPod: (state, pod, other, nodeInfo) => update(state, pod, other, nodeInfo, 1),
      removePod: (state, pod, other, nodeInfo) => update(state, pod, other, nodeInfo, -1),
    };
  }

  filter(state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status {
    const fs = state.read<FilterState>(PRE_FILTER_KEY);
    if (!fs) return Status.success();
    const labels = nodeInfo.node?.metadata.labels ?? {};
    const podLabels = pod.metadata.labels ?? {};
    for (let i = 0; i < fs.constraints.length; i++) {
      const c = fs.constraints[i]!;
      const value = labels[c.topologyKey];
      if (value === undefined) return Status.unresolvable(ERR_REASON_NODE_LABEL_NOT_MATCH);
      const self = c.selector.matches(podLabels) ? 1 : 0;
      const skew = (fs.counts[i]!.get(pair(c.topologyKey, value)) ?? 0) + self - fs.minMatch(i);
      if (skew > c.maxSkew) return Status.unschedulable(ERR_REASON_CONSTRAINTS_NOT_MATCH);
    }
    return Status.success();
  }

  preScore(state: CycleState, pod: Pod, filtered: readonly NodeInfo[]): Status {
    const constraints = this.constraintsFor(pod, "ScheduleAnyway");
    if (!constraints.length) return Status.skip();
    const ns = pod.metadata.namespace ?? "default";
    const pairCounts = constraints.map(() => new Map<string, number>());
    const ignored = new Set<string>();
    for (const ni of filtered) {
      const labels = ni.node?.metadata.labels ?? {};
      if (constraints.some((c) => !(c.topologyKey in labels))) {
        ignored.add(ni.name);
        continue;
      }
      constraints.forEach((c, i) => {
        if (c.topologyKey !== HOSTNAME) pairCounts[i]!.set(pair(c.topologyKey, labels[c.topologyKey]!), 0);
      });
    }
    // Domains are those of feasible nodes; their pods are counted over every node.
    for (const ni of this.handle.snapshot().nodeInfoList) {
      if (!ni.node || !nodeCounts(pod, ni.node, constraints)) continue;
      const labels = ni.node.metadata.labels!;
      constraints.forEach((c, i) => {
        if (c.topologyKey === HOSTNAME) return;
        const p = pair(c.topologyKey, labels[c.topologyKey]!);
        const cur = pairCounts[i]!.get(p);
        if (cur !== undefined) pairCounts[i]!.set(p, cur + countMatching(ni.pods, ns, c.selector));
      });
    }
    const weights = constraints.map((c, i) => Math.log((c.topologyKey === HOSTNAME ? filtered.length - ignored.size : pairCounts[i]!.size) + 2));
    state.write(PRE_SCORE_KEY, new ScoreState(constraints, pairCounts, weights, ignored));
    return Status.success();
  }

  score(state: CycleState, pod: Pod, nodeInfo: NodeInfo): number {
    const ss = state.read<ScoreState>(PRE_SCORE_KEY);
    if (!ss || ss.ignored.has(nodeInfo.name)) return 0;
    const labels = nodeInfo.node?.metadata.labels ?? {};
    const ns = pod.metadata.namespace ?? "default";
    let score = 0;
    ss.constraints.forEach((c, i) => {
      const cnt = c.topologyKey === HOSTNAME ? countMatching(nodeInfo.pods, ns, c.selector) : (ss.pairCounts[i]!.get(pair(c.topologyKey, labels[c.topologyKey]!)) ?? 0);
      score += cnt * ss.weights[i]! + (c.maxSkew - 1);
    });
    return Math.round(score);
  }

  /** Fewer matching pods is better: (max + min - s) * 100 / max; nodes without the keys score 0. */
  normalizeScore(state: CycleState, _pod: Pod, scores: NodeScore[]): Status {
    const ss = state.read<ScoreState>(PRE_SCORE_KEY);
    if (!ss) return Status.success();
    let min = Infinity;
    let max = 0;
    for (const s of scores) {
      if (ss.ignored.has(s.name)) continue;
      min = Math.min(min, s.score);
      max = Math.max(max, s.score);
    }
    for (const s of scores) {
      if (ss.ignored.has(s.name)) s.score = 0;
      else if (max === 0) s.score = MAX_NODE_SCORE;
      else s.score = Math.trunc((MAX_NODE_SCORE * (max + min - s.score)) / max);
    }
    return Status.success();
  }

  eventsToRegister(): readonly ClusterEventWithHint[] {
    return [
      { event: { resource: "AssignedPod", actions: ["Add", "Delete", "UpdatePodLabel"] } },
      { event: { resource: "Node", actions: ["Add", "UpdateNodeLabel", "UpdateNodeTaint"] } },
    ];
  }
}
