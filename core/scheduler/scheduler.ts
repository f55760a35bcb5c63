import type { SchedulerCache, Snapshot } from "./cache.js";
import type { CycleState } from "./cycle-state.js";
import { numFeasibleNodesToFind } from "./feasible.js";
import { fitErrorMessage } from "./fit-error.js";
import type { Framework } from "./framework.js";
import type { NodeInfo } from "./node-info.js";
import type { NodeScore } from "./points.js";
import type { SchedulingQueue } from "./queue.js";
import type { QueuedPodInfo } from "./queued-pod.js";
import { Code, Status } from "./status.js";
import type { Pod } from "./types.js";
import { WaitingPods } from "./waiting-pods.js";

export const DEFAULT_SCHEDULER_NAME = "default-scheduler";

/** How a scheduling outcome reaches the cluster: the FailedScheduling event, the PodScheduled condition, nominations. */
export interface SchedulingReporter {
  failed(pod: Pod, failure: { reason: "Unschedulable" | "SchedulerError"; message: string; nominatedNodeName?: string }): Promise<void> | void;
  scheduled?(pod: Pod, nodeName: string): Promise<void> | void;
}

/** Where attempts are counted (`scheduler_schedule_attempts_total`, `scheduler_scheduling_attempt_duration_seconds`). */
export interface AttemptObserver {
  attempt(result: "scheduled" | "unschedulable" | "error", profile: string, seconds: number): void;
}

export interface SchedulerOptions {
  percentageOfNodesToScore?: number;
  /** Tie-breaking among equal best scores; injectable so tests are deterministic. */
  random?: () => number;
  observer?: AttemptObserver;
}

type CycleResult = { node: string; evaluated: number; feasible: number } | { failure: Status; filtered: Map<string, Status>; preFilter?: Status; nodes: number };

/**
 * The scheduling loop: one pod at a time through the scheduling cycle, then an
 * asynchronous binding cycle so the next pod need not wait for the API.
 */
export class Scheduler {
  readonly waitingPods = new WaitingPods();
  private nextStartNodeIndex = 0;
  private readonly binding = new Set<Promise<void>>();
  private stopped = false;

  constructor(
    private readonly frameworks: ReadonlyMap<string, Framework>,
    private readonly cache: SchedulerCache,
    private readonly queue: SchedulingQueue,
    private readonly reporter: SchedulingReporter,
    private readonly opts: SchedulerOptions = {},
  ) {}

  /** Whether this scheduler has a profile for the pod's schedulerName. */
  responsibleFor(pod: Pod): boolean {
    return this.frameworks.has(pod.spec.schedulerName || DEFAULT_SCHEDULER_NAME);
  }

  async run(): Promise<void> {
    while (!this.stopped && (await this.scheduleOne())) {
      /* each iteration schedules one pod */
    }
  }

  stop(): void {
    this.stopped = true;
    this.queue.close();
  }

  /** Resolves when every binding cycle started so far has finished. */
  async idle(): Promise<void> {
    while (this.binding.size) await Promise.all([...this.binding]);
  }

  /** Takes one pod off the queue and runs its scheduling cycle; false when the queue is closed. */
  async scheduleOne(): Promise<boolean> {
    const qpi = await this.queue.pop();
    if (!qpi) return false;
    const pod = qpi.pod;
    const fwk = this.frameworks.get(pod.spec.schedulerName || DEFAULT_SCHEDULER_NAME);
    if (!fwk || pod.metadata.deletionTimestamp || this.cache.isAssumed(pod)) return true;
    const podCycle = this.queue.schedulingCycle();
    const start = performance.now();
    const state = fwk.newCycleState();
    const snapshot = this.cache.snapshot();
    let result: CycleResult;
    try {
      result = this.schedulePod(fwk, state, pod, snapshot);
    } catch (err) {
      await this.fail(fwk, qpi, podCycle, Status.error(err), start);
      return true;
    }
    if ("failure" in result) {
      await this.handleFitFailure(fwk, state, qpi, podCycle, result, start);
      return true;
    }
    const node = result.node;
    // Assume first so the next cycle already counts this pod on its node.
    this.cache.assume(pod, node);
    const reserve = fwk.runReserve(state, pod, node);
    if (!reserve.isSuccess()) {
      fwk.runUnreserve(state, pod, node);
      this.cache.forget(pod);
      await this.fail(fwk, qpi, podCycle, reserve, start);
      return true;
    }
    const permit = fwk.runPermit(state, pod, node);
    if (permit.status.isRejected() || permit.status.code === Code.Error) {
      fwk.runUnreserve(state, pod, node);
      this.cache.forget(pod);
      await this.fail(fwk, qpi, podCycle, permit.status, start);
      return true;
    }
    const cycle = this.bindingCycle(fwk, state, qpi, podCycle, node, permit, start);
    this.binding.add(cycle);
    void cycle.finally(() => this.binding.delete(cycle));
    return true;
  }

  /** Filter then score; the best node, or why none fits. */
  private schedulePod(fwk: Framework, state: CycleState, pod: Pod, snapshot: Snapshot): CycleResult {
    const all = snapshot.nodes;
    if (all.length === 0) return { failure: Status.unschedulable("no nodes available to schedule pods"), filtered: new Map(), nodes: 0 };
    const pre = fwk.runPreFilter(state, pod, all);
    if (!pre.status.isSuccess()) {
      if (pre.status.code === Code.Error) throw pre.status.error ?? new Error(pre.status.message());
      return { failure: pre.status, filtered: new Map(), preFilter: pre.status, nodes: all.length };
    }
    const candidates = pre.nodeNames ? all.filter((n) => pre.nodeNames!.has(n.name)) : all;
    const { feasible, filtered } = this.findFeasible(fwk, state, pod, candidates);
    if (feasible.length === 0) return { failure: Status.unschedulable(), filtered, nodes: all.length };
    if (feasible.length === 1) return { node: feasible[0]!.name, evaluated: candidates.length, feasible: 1 };
    const preScore = fwk.runPreScore(state, pod, feasible);
    if (!preScore.isSuccess()) throw preScore.error ?? new Error(preScore.message());
    const scores = fwk.runScore(state, pod, feasible);
    return { node: this.selectHost(scores), evaluated: candidates.length, feasible: feasible.length };
  }

  /** Filters from a rotating start so every node gets its turn, stopping at the feasible-node budget. */
  private findFeasible(fwk: Framework, state: CycleState, pod: Pod, nodes: readonly NodeInfo[]) {
    const want = numFeasibleNodesToFind(this.opts.percentageOfNodesToScore, nodes.length);
    const feasible: NodeInfo[] = [];
    const filtered = new Map<string, Status>();
    const n = nodes.length;
    let processed = 0;
    for (; processed < n && feasible.length < want; processed++) {
      const node = nodes[(this.nextStartNodeIndex + processed) % n]!;
      const s = fwk.runFilter(state, pod, node);
      if (s.isSuccess()) feasible.push(node);
      else if (s.code === Code.Error) throw s.error ?? new Error(s.message());
      else filtered.set(node.name, s);
    }
    this.nextStartNodeIndex = n ? (this.nextStartNodeIndex + processed) % n : 0;
    return { feasible, filtered };
  }

  /** The highest total; ties broken uniformly at random, as upstream's reservoir sampling. */
  private selectHost(scores: NodeScore[]): string {
    const random = this.opts.random ?? Math.random;
    let best = scores[0]!;
    let ties = 1;
    for (let i = 1; i < scores.length; i++) {
      const s = scores[i]!;
      if (s.score > best.score) {
        best = s;
        ties = 1;
      } else if (s.score === best.score) {
        ties++;
        if (random() * ties < 1) best = s;
      }
    }
    return best.name;
  }

  private async handleFitFailure(fwk: Framework, state: CycleState, qpi: QueuedPodInfo, podCycle: number, r: Extract<CycleResult, { failure: Status }>, start: number) {
    let nominatedNodeName: string | undefined;
    let postFilterMessage: string | undefined;
    if (fwk.plugins.postFilter.length && r.failure.code !== Code.UnschedulableAndUnresolvable) {
      const post = await fwk.runPostFilter(state, qpi.pod, r.filtered);
      nominatedNodeName = post.nominatedNodeName;
      if (post.status.reasons.length) postFilterMessage = post.status.message();
    }
    qpi.unschedulablePlugins = new Set([...r.filtered.values(), ...(r.preFilter ? [r.preFilter] : [])].map((s) => s.plugin).filter((p): p is string => !!p));
    const message = fitErrorMessage(r.nodes, r.filtered, { preFilter: r.preFilter, postFilterMessage });
    this.opts.observer?.attempt("unschedulable", fwk.profileName, (performance.now() - start) / 1e3);
    this.queue.addUnschedulable(qpi, podCycle);
    await this.reporter.failed(qpi.pod, { reason: "Unschedulable", message, nominatedNodeName });
  }

  private async fail(fwk: Framework, qpi: QueuedPodInfo, podCycle: number, status: Status, start: number) {
    const isError = status.code === Code.Error;
    if (status.plugin) qpi.unschedulablePlugins = new Set([status.plugin]);
    this.opts.observer?.attempt(isError ? "error" : "unschedulable", fwk.profileName, (performance.now() - start) / 1e3);
    if (status.code === Code.Pending) this.queue.requeueWithoutBackoff(qpi);
    else this.queue.addUnschedulable(qpi, podCycle, { error: isError });
    await this.reporter.failed(qpi.pod, { reason: isError ? "SchedulerError" : "Unschedulable", message: status.message() || String(status.error ?? status.code) });
  }

  private async bindingCycle(fwk: Framework, state: CycleState, qpi: QueuedPodInfo, podCycle: number, node: string, permit: ReturnType<Framework["runPermit"]>, start: number): Promise<void> {
    const pod = qpi.pod;
    const undo = async (status: Status) => {
      fwk.runUnreserve(state, pod, node);
      this.cache.forget(pod);
      // Releasing this pod's resources may let a parked pod fit.
      this.queue.moveOnEvent({ resource: "Pod", action: "Delete" });
      await this.fail(fwk, qpi, podCycle, status, start);
    };
    try {
      if (permit.status.code === Code.Wait) {
        const r = await this.waitingPods.wait(qpi.key, permit.waitingOn, permit.timeoutMs);
        if (!r.ok) return await undo(Status.unschedulable(r.message).withPlugin(r.plugin ?? "Permit"));
      }
      const pre = await fwk.runPreBind(state, pod, node);
      if (!pre.isSuccess()) return await undo(pre);
      const bound = await fwk.runBind(state, pod, node);
      if (!bound.isSuccess()) return await undo(bound);
      this.opts.observer?.attempt("scheduled", fwk.profileName, (performance.now() - start) / 1e3);
      fwk.runPostBind(state, pod, node);
      await this.reporter.scheduled?.(pod, node);
    } catch (err) {
      await undo(Status.error(err));
    }
  }
}
