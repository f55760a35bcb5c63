import {
  Code,
  Status,
  podKey,
  podPriority,
  reasonHistogram,
  type CycleState,
  type NodeInfo,
  type NodeToStatus,
  type Pod,
  type PodDisruptionBudget,
  type PodInfo,
  type PostFilterPlugin,
  type PostFilterResult,
  type SchedulerHandle,
} from "../../../../core/scheduler/index.js";
import type { DefaultPreemptionArgs } from "../../../../schemas/generated/plugins/scheduler/default-preemption.args.js";
import { isTerminating, moreImportant, pickOne, splitByPdbViolation, type Candidate } from "./victims.js";

export const NOT_HELPFUL = "Preemption is not helpful for scheduling";
export const NO_VICTIMS = "No preemption victims found for incoming pod";

export class DefaultPreemption implements PostFilterPlugin {
  private readonly pct: number;
  private readonly abs: number;

  constructor(
    args: DefaultPreemptionArgs,
    private readonly handle: SchedulerHandle,
  ) {
    this.pct = args.minCandidateNodesPercentage ?? 10;
    this.abs = args.minCandidateNodesAbsolute ?? 100;
  }

  async postFilter(state: CycleState, pod: Pod, filtered: NodeToStatus): Promise<PostFilterResult> {
    const eligible = this.eligible(pod);
    if (eligible) return { status: Status.unschedulable(eligible) };
    const snap = this.handle.snapshot();
    const all = snap.nodeInfoList;
    const statuses = new Map<string, Status>();
    const potential: NodeInfo[] = [];
    for (const ni of all) {
      const s = filtered.get(ni.name);
      if (s?.code === Code.UnschedulableAndUnresolvable) statuses.set(ni.name, Status.unresolvable(NOT_HELPFUL));
      else potential.push(ni);
    }
    const candidates: Candidate[] = [];
    if (potential.length) {
      const want = Math.min(potential.length, Math.max(Math.trunc((potential.length * this.pct) / 100), this.abs));
      const offset = Math.floor(Math.random() * potential.length);
      const pdbs = this.handle.cluster.podDisruptionBudgets();
      for (let i = 0; i < potential.length && candidates.length < want; i++) {
        const ni = potential[(offset + i) % potential.length]!;
        const c = this.selectVictimsOnNode(state, pod, ni, pdbs);
        if (c) candidates.push(c);
        else statuses.set(ni.name, Status.unschedulable(NO_VICTIMS));
      }
    }
    const best = pickOne(candidates);
    if (!best) {
      const n = filtered.size || all.length;
      return { status: Status.unschedulable(`preemption: 0/${n} nodes are available: ${reasonHistogram(statuses).join(", ")}.`) };
    }
    await this.prepare(pod, best);
    return { nominatedNodeName: best.node, status: Status.success() };
  }

  /** A pod that may not preempt, or that already waits for its earlier victims, says why. */
  private eligible(pod: Pod): string | undefined {
    if (pod.spec.preemptionPolicy === "Never") return "not eligible due to preemptionPolicy=Never.";
    const nominated = pod.status?.nominatedNodeName;
    if (nominated) {
      const ni = this.handle.snapshot().get(nominated);
      if (ni?.pods.some((p) => isTerminating(p.pod) && podPriority(p.pod) < podPriority(pod))) return "not eligible due to a terminating pod on the nominated node.";
    }
    return undefined;
  }

  /**
   * Removes every lower-priority pod, checks the pod then fits, and adds pods back, most
   * important first (PDB-violating ones before the rest), keeping each that still lets it fit.
   */
  private selectVictimsOnNode(state: CycleState, pod: Pod, original: NodeInfo, pdbs: readonly PodDisruptionBudget[]): Candidate | undefined {
    const fwk = this.handle.framework();
    const ni = original.clone();
    const st = state.clone();
    const lower = ni.pods.filter((p) => podPriority(p.pod) < podPriority(pod));
    if (!lower.length) return undefined;
    for (const p of lower) {
      ni.removePod(p.uid);
      if (!fwk.runPreFilterExtensionRemovePod(st, pod, p, ni).isSuccess()) return undefined;
    }
    if (!fwk.runFilterPluginsWithNominatedPods(st, pod, ni).isSuccess()) return undefined;
    lower.sort(moreImportant);
    const { violating, nonViolating } = splitByPdbViolation(lower, pdbs);
    const victims: PodInfo[] = [];
    let numPdbViolations = 0;
    const reprieve = (p: PodInfo, violates: boolean) => {
      ni.addPod(p);
      fwk.runPreFilterExtensionAddPod(st, pod, p, ni);
      if (fwk.runFilterPluginsWithNominatedPods(st, pod, ni).isSuccess()) return;
      ni.removePod(p.uid);
      fwk.runPreFilterExtensionRemovePod(st, pod, p, ni);
      victims.push(p);
      if (violates) numPdbViolations++;
    };
    for (const p of violating) reprieve(p, true);
    for (const p of nonViolating) reprieve(p, false);
    if (!victims.length) return undefined;
    return { node: original.name, victims, numPdbViolations };
  }

  /** Deletes the victims gracefully (rejecting any held at Permit) and clears weaker nominations there. */
  private async prepare(pod: Pod, c: Candidate): Promise<void> {
    const fwk = this.handle.framework();
    await Promise.all(
      c.victims.map(async (v) => {
        const waiting = fwk.getWaitingPod(v.uid);
        if (waiting) waiting.reject("DefaultPreemption", "preempted");
        else await this.handle.cluster.deletePod(v.pod);
        this.handle.events.event(v.pod, "Normal", "Preempted", "Preempting", `Preempted by pod ${pod.metadata.uid ?? podKey(pod)} on node ${c.node}`);
      }),
    );
    for (const other of this.handle.nominatedPodsForNode(c.node)) {
      if (podPriority(other.pod) < podPriority(pod)) await this.handle.cluster.patchPodStatus(other.pod, { nominatedNodeName: null });
    }
  }
}
