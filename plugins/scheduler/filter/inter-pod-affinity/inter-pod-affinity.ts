import {
  Status,
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
  MAX_NODE_SCORE,
} from "../../../../core/scheduler/index.js";
import type { InterPodAffinityArgs } from "../../../../schemas/generated/plugins/scheduler/inter-pod-affinity.args.js";
import { preferredAffinity, preferredAntiAffinity, requiredAffinity, requiredAntiAffinity, termMatchesPod, type Term } from "./terms.js";

export const ERR_REASON_EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules";
export const ERR_REASON_AFFINITY = "node(s) didn't match pod affinity rules";
export const ERR_REASON_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules";
const PRE_FILTER_KEY = "PreFilterInterPodAffinity";
const PRE_SCORE_KEY = "PreScoreInterPodAffinity";

const pair = (key: string, value: string) => `${key}\0${value}`;
type Counts = Map<string, number>;
const bump = (m: Counts, k: string, d: number) => m.set(k, (m.get(k) ?? 0) + d);

class FilterState implements StateData {
  constructor(
    readonly affinity: Term[],
    readonly antiAffinity: Term[],
    /** Topology pairs where existing pods' required anti-affinity forbids this pod. */
    readonly existingAnti: Counts,
    /** Pods matching all the pod's affinity terms, per pair; pods matching any anti term, per pair. */
    readonly affinityCounts: Counts,
    readonly antiCounts: Counts,
  ) {}
  clone(): FilterState {
    return new FilterState(this.affinity, this.antiAffinity, new Map(this.existingAnti), new Map(this.affinityCounts), new Map(this.antiCounts));
  }
}

class ScoreState implements StateData {
  constructor(readonly scores: Map<string, Map<string, number>>) {}
  clone(): StateData {
    return this;
  }
}

export class InterPodAffinity implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin, EnqueueExtensions {
  private readonly hardWeight: number;
  private readonly ignoreExistingPreferred: boolean;

  constructor(
    args: InterPodAffinityArgs,
    private readonly handle: SchedulerHandle,
  ) {
    this.hardWeight = args.hardPodAffinityWeight ?? 1;
    this.ignoreExistingPreferred = args.ignorePreferredTermsOfExistingPods ?? false;
  }

  preFilter(state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): Status {
    const affinity = requiredAffinity(pod);
    const anti = requiredAntiAffinity(pod);
    const snap = this.handle.snapshot();
    const fs = new FilterState(affinity, anti, new Map(), new Map(), new Map());
    for (const ni of snap.havePodsWithRequiredAntiAffinityList) for (const pi of ni.podsWithRequiredAntiAffinity) this.countExisting(fs, pod, pi, ni, 1);
    if (affinity.length || anti.length) for (const ni of nodes) for (const pi of ni.pods) this.countIncoming(fs, pi, ni, 1);
    if (!affinity.length && !anti.length && !fs.existingAnti.size) return Status.skip();
    state.write(PRE_FILTER_KEY, fs);
    return Status.success();
  }

  private countExisting(fs: FilterState, pod: Pod, existing: PodInfo, ni: NodeInfo, d: number): void {
    const labels = ni.node?.metadata.labels ?? {};
    for (const t of requiredAntiAffinity(existing.pod)) {
      if (t.topologyKey in labels && termMatchesPod(t, pod)) bump(fs.existingAnti, pair(t.topologyKey, labels[t.topologyKey]!), d);
    }
  }

  private countIncoming(fs: FilterState, existing: PodInfo, ni: NodeInfo, d: number): void {
    const labels = ni.node?.metadata.labels ?? {};
    if (fs.affinity.length && fs.affinity.every((t) => termMatchesPod(t, existing.pod))) {
      for (const t of fs.affinity) if (t.topologyKey in labels) bump(fs.affinityCounts, pair(t.topologyKey, labels[t.topologyKey]!), d);
    }
    for (const t of fs.antiAffinity) {
      if (t.topologyKey in labels && termMatchesPod(t, existing.pod)) bump(fs.antiCounts, pair(t.topologyKey, labels[t.topologyKey]!), d);
    }
  }

  preFilterExtensions(): PreFilterExtensions {
    const update = (state: CycleState, pod: Pod, other: PodInfo, ni: NodeInfo, d: number) => {
      const fs = state.read<FilterState>(PRE_FILTER_KEY);
      if (!fs) return Status.success();
      this.countExisting(fs, pod, other, ni, d);
      this.countIncoming(fs, other, ni, d);
      return Status.success();
    };
    return { addPod: (s, p, o, n) => update(s, p, o, n, 1), removePod: (s, p, o, n) => update(s, p, o, n, -1) };
  }

  filter(state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status {
    const fs = state.read<FilterState>(PRE_FILTER_KEY);
    if (!fs) return Status.success();
    const labels = nodeInfo.node?.metadata.labels ?? {};
    for (const [k, v] of Object.entries(labels)) if ((fs.existingAnti.get(pair(k, v)) ?? 0) > 0) return Status.unschedulable(ERR_REASON_EXISTING_ANTI_AFFINITY);
    for (const t of fs.antiAffinity) {
      if (t.topologyKey in labels && (fs.antiCounts.get(pair(t.topologyKey, labels[t.topologyKey]!)) ?? 0) > 0) return Status.unschedulable(ERR_REASON_ANTI_AFFINITY);
    }
    if (fs.affinity.length) {
      const ok = fs.affinity.every((t) => t.topologyKey in labels && (fs.affinityCounts.get(pair(t.topologyKey, labels[t.topologyKey]!)) ?? 0) > 0);
      if (!ok) {
        // The first pod of a group that selects itself may go anywhere its keys exist.
        const selfMatch = !fs.affinityCounts.size && fs.affinity.every((t) => termMatchesPod(t, pod) && t.topologyKey in labels);
        if (!selfMatch) return Status.unresolvable(ERR_REASON_AFFINITY);
      }
    }
    return Status.success();
  }

  preScore(state: CycleState, pod: Pod): Status {
    const prefA = preferredAffinity(pod);
    const prefN = preferredAntiAffinity(pod);
    const snap = this.handle.snapshot();
    const hasOwn = prefA.length + prefN.length > 0;
    if (!hasOwn && !snap.havePodsWithAffinityList.length) return Status.skip();
    const scores = new Map<string, Map<string, number>>();
    const add = (labels: Record<string, string>, key: string, w: number) => {
      if (!(key in labels) || !w) return;
      let m = scores.get(key);
      if (!m) scores.set(key, (m = new Map()));
      m.set(labels[key]!, (m.get(labels[key]!) ?? 0) + w);
    };
    const nodes = hasOwn ? snap.nodeInfoList : snap.havePodsWithAffinityList;
    for (const ni of nodes) {
      const labels = ni.node?.metadata.labels ?? {};
      for (const pi of hasOwn ? ni.pods : ni.podsWithAffinity) {
        const ex = pi.pod;
        for (const { weight, term } of prefA) if (termMatchesPod(term, ex)) add(labels, term.topologyKey, weight);
        for (const { weight, term } of prefN) if (termMatchesPod(term, ex)) add(labels, term.topologyKey, -weight);
        if (!pi.hasAffinity()) continue;
        if (this.hardWeight > 0) for (const t of requiredAffinity(ex)) if (termMatchesPod(t, pod)) add(labels, t.topologyKey, this.hardWeight);
        if (this.ignoreExistingPreferred) continue;
        for (const { weight, term } of preferredAffinity(ex)) if (termMatchesPod(term, pod)) add(labels, term.topologyKey, weight);
        for (const { weight, term } of preferredAntiAffinity(ex)) if (termMatchesPod(term, pod)) add(labels, term.topologyKey, -weight);
      }
    }
    if (!scores.size) return Status.skip();
    state.write(PRE_SCORE_KEY, new ScoreState(scores));
    return Status.success();
  }

  score(state: CycleState, _pod: Pod, nodeInfo: NodeInfo): number {
    const ss = state.read<ScoreState>(PRE_SCORE_KEY);
    if (!ss) return 0;
    let s = 0;
    const labels = nodeInfo.node?.metadata.labels ?? {};
    for (const [key, byValue] of ss.scores) if (key in labels) s += byValue.get(labels[key]!) ?? 0;
    return s;
  }

  /** Raw scores may be negative: maps [min, max] onto [0, 100]. */
  normalizeScore(_state: CycleState, _pod: Pod, scores: NodeScore[]): Status {
    let min = Infinity;
    let max = -Infinity;
    for (const s of scores) {
      min = Math.min(min, s.score);
      max = Math.max(max, s.score);
    }
    const diff = max - min;
    for (const s of scores) s.score = diff > 0 ? Math.trunc((MAX_NODE_SCORE * (s.score - min)) / diff) : 0;
    return Status.success();
  }

  eventsToRegister(): readonly ClusterEventWithHint[] {
    return [
      { event: { resource: "AssignedPod", actions: ["Add", "Delete", "UpdatePodLabel"] } },
      { event: { resource: "Node", actions: ["Add", "UpdateNodeLabel"] } },
    ];
  }
}
