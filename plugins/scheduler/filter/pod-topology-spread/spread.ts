import { selectorFromLabelSelector, type LabelSelector, type Selector } from "../../../../core/api/labels.js";
import type { CycleState, StateData } from "../../../../core/scheduler/cycle-state.js";
import { MAX_NODE_SCORE } from "../../../../core/scheduler/framework.js";
import { anyTermMatches } from "../../../../core/scheduler/helpers/node-selector.js";
import { findUntoleratedTaint } from "../../../../core/scheduler/helpers/taints.js";
import type { NodeInfo } from "../../../../core/scheduler/node-info.js";
import type { FilterPlugin, NodeScore, PreFilterPlugin, PreScorePlugin, ScorePlugin } from "../../../../core/scheduler/points.js";
import { Status } from "../../../../core/scheduler/status.js";
import type { Node, Pod } from "../../../../core/scheduler/types.js";

export interface SpreadConstraint {
  maxSkew: number;
  topologyKey: string;
  whenUnsatisfiable: "DoNotSchedule" | "ScheduleAnyway";
  labelSelector?: LabelSelector;
  minDomains?: number;
  matchLabelKeys?: string[];
  nodeAffinityPolicy?: "Honor" | "Ignore";
  nodeTaintsPolicy?: "Honor" | "Ignore";
}

export interface PodTopologySpreadArgs {
  defaultingType?: "System" | "List";
  defaultConstraints?: Pick<SpreadConstraint, "maxSkew" | "topologyKey" | "whenUnsatisfiable">[];
}

/** Finds the selector of the Services, ReplicaSets, … that own a pod, for default constraints. */
export type OwnerSelectorSource = (pod: Pod) => LabelSelector | undefined;

/** Upstream's system defaults: spread over hosts (skew 3) and zones (skew 5), both soft. */
export const SYSTEM_DEFAULT_CONSTRAINTS: PodTopologySpreadArgs["defaultConstraints"] = [
  { topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "ScheduleAnyway", maxSkew: 3 },
  { topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway", maxSkew: 5 },
];

export const ERR_MISMATCH = "node(s) didn't match pod topology spread constraints";
export const ERR_MISSING_LABEL = "node(s) didn't match pod topology spread constraints (missing required label)";

interface Compiled {
  c: SpreadConstraint;
  selector: Selector;
}

class SpreadState implements StateData {
  constructor(
    readonly constraints: Compiled[],
    /** Per constraint: matching pods per topology value over eligible nodes. */
    readonly counts: Map<string, number>[],
  ) {}
  clone(): StateData {
    return new SpreadState(this.constraints, this.counts.map((m) => new Map(m)));
  }
}

const FILTER_KEY = "PreFilterPodTopologySpread";
const SCORE_KEY = "PreScorePodTopologySpread";

/**
 * Spreads pods matching a selector evenly over topology domains. Hard
 * constraints (DoNotSchedule) filter nodes whose domain would exceed maxSkew
 * over the least loaded domain; soft ones (ScheduleAnyway) score emptier
 * domains higher.
 */
export class PodTopologySpread implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin {
  constructor(
    private readonly args: PodTopologySpreadArgs,
    private readonly ownerSelector?: OwnerSelectorSource,
  ) {}

  preFilter(state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): Status | void {
    const hard = this.constraintsOf(pod).filter((x) => x.c.whenUnsatisfiable === "DoNotSchedule");
    if (hard.length === 0) return Status.skip();
    state.write(FILTER_KEY, new SpreadState(hard, this.count(pod, hard, nodes)));
  }

  filter(state: CycleState, pod: Pod, node: NodeInfo): Status | void {
    const s = state.read<SpreadState>(FILTER_KEY);
    if (!s) return;
    const labels = node.node.metadata.labels ?? {};
    for (let i = 0; i < s.constraints.length; i++) {
      const { c, selector } = s.constraints[i]!;
      const value = labels[c.topologyKey];
      if (value === undefined) return Status.unresolvable(ERR_MISSING_LABEL);
      const counts = s.counts[i]!;
      const self = selector.matches(pod.metadata.labels ?? {}) ? 1 : 0;
      let min = Infinity;
      for (const n of counts.values()) min = Math.min(min, n);
      // Fewer domains than minDomains: the missing ones count as empty.
      if (min === Infinity || (c.minDomains && counts.size < c.minDomains)) min = 0;
      const skew = (counts.get(value) ?? 0) + self - min;
      if (skew > c.maxSkew) return Status.unschedulable(ERR_MISMATCH);
    }
  }

  preScore(state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): Status | void {
    const soft = this.constraintsOf(pod).filter((x) => x.c.whenUnsatisfiable === "ScheduleAnyway");
    if (soft.length === 0) return Status.skip();
    state.write(SCORE_KEY, new SpreadState(soft, this.count(pod, soft, nodes)));
  }

  score(state: CycleState, _pod: Pod, node: NodeInfo): number {
    const s = state.read<SpreadState>(SCORE_KEY);
    if (!s) return 0;
    const labels = node.node.metadata.labels ?? {};
    let score = 0;
    for (let i = 0; i < s.constraints.length; i++) {
      const { c } = s.constraints[i]!;
      const value = labels[c.topologyKey];
      // Nodes without the key get the worst score in normalization.
      if (value === undefined) return -1;
      const counts = s.counts[i]!;
      // Upstream weights each constraint by log(domains + 2) so many small domains do not dominate.
      score += (counts.get(value) ?? 0) * Math.log(counts.size + 2) + (c.maxSkew - 1);
    }
    return Math.round(score);
  }

  normalizeScore(_state: CycleState, _pod: Pod, scores: NodeScore[]): void {
    let min = Infinity;
    let max = 0;
    for (const s of scores) {
      if (s.score < 0) continue;
      min = Math.min(min, s.score);
      max = Math.max(max, s.score);
    }
    for (const s of scores) {
      if (s.score < 0) s.score = 0;
      else if (max === 0) s.score = MAX_NODE_SCORE;
      else s.score = Math.trunc((MAX_NODE_SCORE * (max + min - s.score)) / max);
    }
  }

  events() {
    return [
      { resource: "Pod" as const, action: "*" as const },
      { resource: "Node" as const, action: "*" as const },
    ];
  }

  /** The pod's own constraints, else the profile's defaults with the owners' selector. */
  private constraintsOf(pod: Pod): Compiled[] {
    const own = (pod.spec.topologySpreadConstraints as SpreadConstraint[] | undefined) ?? [];
    if (own.length) return own.map((c) => ({ c, selector: compile(c, pod) }));
    const defaults = this.args.defaultingType === "List" ? this.args.defaultConstraints ?? [] : SYSTEM_DEFAULT_CONSTRAINTS!;
    const ownerSel = defaults.length ? this.ownerSelector?.(pod) : undefined;
    if (!ownerSel) return [];
    return defaults.map((d) => ({ c: { ...d }, selector: selectorFromLabelSelector(ownerSel) }));
  }

  private count(pod: Pod, constraints: Compiled[], nodes: readonly NodeInfo[]): Map<string, number>[] {
    const out = constraints.map(() => new Map<string, number>());
    const ns = pod.metadata.namespace ?? "default";
    for (const node of nodes) {
      const labels = node.node.metadata.labels ?? {};
      // A node counts only when it carries every constraint's key (upstream's nodeLabelsMatchSpreadConstraints).
      if (!constraints.every((x) => labels[x.c.topologyKey] !== undefined)) continue;
      for (let i = 0; i < constraints.length; i++) {
        const { c, selector } = constraints[i]!;
        if (!eligible(c, pod, node.node)) continue;
        const value = labels[c.topologyKey]!;
        let n = 0;
        for (const p of node.pods.values()) {
          if ((p.pod.metadata.namespace ?? "default") !== ns || p.pod.metadata.deletionTimestamp) continue;
          if (selector.matches(p.pod.metadata.labels ?? {})) n++;
        }
        out[i]!.set(value, (out[i]!.get(value) ?? 0) + n);
      }
    }
    return out;
  }
}

/** nodeAffinityPolicy Honor (default) counts only nodes the pod could go to; nodeTaintsPolicy Honor also drops tainted ones. */
function eligible(c: SpreadConstraint, pod: Pod, node: Node): boolean {
  if ((c.nodeAffinityPolicy ?? "Honor") === "Honor") {
    const labels = node.metadata.labels ?? {};
    for (const [k, v] of Object.entries(pod.spec.nodeSelector ?? {})) if (labels[k] !== v) return false;
    const terms = pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
    if (terms && !anyTermMatches(terms, node)) return false;
  }
  if (c.nodeTaintsPolicy === "Honor" && findUntoleratedTaint(node.spec?.taints ?? [], pod.spec.tolerations ?? [], ["NoSchedule", "NoExecute"])) return false;
  return true;
}

/** A nil selector matches nothing; matchLabelKeys adds the pod's own values for those keys. */
function compile(c: SpreadConstraint, pod: Pod): Selector {
  if (!c.labelSelector) return { matches: () => false, empty: () => false, toString: () => "<none>" };
  const sel: LabelSelector = { matchLabels: { ...c.labelSelector.matchLabels }, matchExpressions: [...(c.labelSelector.matchExpressions ?? [])] };
  for (const key of c.matchLabelKeys ?? []) {
    const v = pod.metadata.labels?.[key];
    if (v !== undefined) sel.matchLabels![key] = v;
  }
  return selectorFromLabelSelector(sel);
}
