import type { Logger } from "../kernel/logging.js";
import type { Node, Pod, PodCondition } from "./api-types.js";
import { podKey, podUid } from "./api-types.js";
import { SchedulerCache } from "./cache.js";
import type { ClusterEvent } from "./cluster-events.js";
import type { ClusterHandlers, ClusterListers, ClusterWriter, EventSink } from "./cluster.js";
import { CycleState } from "./cycle-state.js";
import { fitErrorMessage, type Diagnosis } from "./fit-error.js";
import { numFeasibleNodesToFind, type Framework } from "./framework.js";
import type { SchedulerMetrics } from "./metrics.js";
import type { NodeInfo } from "./node-info.js";
import type { NodeScore, QueuedPodInfo } from "./plugin-api.js";
import { SchedulingQueue } from "./queue.js";
import { Snapshot } from "./snapshot.js";
import { Code, Status } from "./status.js";
import { nodeUpdateEvents } from "./node-events.js";

export interface SchedulerOptions {
  profiles: readonly Framework[];
  cluster: ClusterWriter & ClusterListers & EventSink;
  metrics: SchedulerMetrics;
  logger: Logger;
  now?: () => number;
  podInitialBackoffSeconds?: number;
  podMaxBackoffSeconds?: number;
  /** Fraction of cycles whose per-plugin durations are recorded (upstream: 10 %). */
  pluginMetricsSampleRate?: number;
}

type ScheduleResult = { node: string; evaluated: number; feasible: number } | { error: Status; diagnosis?: Diagnosis; numAllNodes: number };

/**
 * The scheduler's core loop: pods wait in the queue, each scheduling cycle runs
 * its profile's PreFilter → Filter → (PostFilter) → PreScore → Score → Reserve →
 * Permit against a snapshot of the cache, and the binding cycle (PreBind, Bind,
 * PostBind) runs asynchronously while the next pod is scheduled. It names no
 * plugin: the profiles decide.
 */
export class Scheduler implements ClusterHandlers {
  readonly cache = new SchedulerCache();
  readonly snapshot = new Snapshot();
  readonly queue: SchedulingQueue;
  private readonly profiles = new Map<string, Framework>();
  private nextStartNodeIndex = 0;
  private readonly now: () => number;
  private readonly inflightBindings = new Set<Promise<void>>();

  constructor(private readonly opts: SchedulerOptions) {
    for (const p of opts.profiles) {
      if (this.profiles.has(p.profileName)) throw new Error(`duplicate profile for scheduler name ${p.profileName}`);
      this.profiles.set(p.profileName, p);
    }
    const first = opts.profiles[0];
    if (!first) throw new Error("the scheduler needs at least one profile");
    this.now = opts.now ?? Date.now;
    this.queue = new SchedulingQueue({
      less: (a, b) => first.less(a, b),
      profileFor: (pod) => this.profileFor(pod),
      now: this.now,
      initialBackoffMs: (opts.podInitialBackoffSeconds ?? 1) * 1000,
      maxBackoffMs: (opts.podMaxBackoffSeconds ?? 10) * 1000,
      onPendingChange: (c) => {
        for (const [queue, n] of Object.entries(c)) opts.metrics.pendingPods.set({ queue }, n);
      },
    });
  }

  profileFor(pod: Pod): Framework | undefined {
    return this.profiles.get(pod.spec.schedulerName ?? "default-scheduler");
  }

  /** Schedules pods until the signal aborts, then waits for bindings in flight. */
  async run(signal: AbortSignal): Promise<void> {
    this.queue.run();
    signal.addEventListener("abort", () => this.queue.close(), { once: true });
    while (!signal.aborted) {
      const more = await this.scheduleOne();
      if (!more) break;
      // Let binding responses and informer events in between cycles.
      await new Promise<void>((r) => setImmediate(r));
    }
    await Promise.allSettled([...this.inflightBindings]);
  }

  /** One scheduling cycle; false once the queue is closed. */
  async scheduleOne(): Promise<boolean> {
    const qpi = await this.queue.pop();
    if (!qpi) return false;
    const pod = qpi.podInfo.pod;
    const fwk = this.profileFor(pod);
    if (!fwk || pod.metadata.deletionTimestamp || this.cache.isAssumed(pod)) {
      this.queue.done(qpi.podInfo.uid);
      return true;
    }
    const start = performance.now();
    const state = new CycleState();
    state.recordPluginMetrics = Math.random() < (this.opts.pluginMetricsSampleRate ?? 0.1);
    this.cache.updateSnapshot(this.snapshot);

    const result = await this.schedulePod(fwk, state, pod);
    if ("error" in result) {
      await this.failed(fwk, state, qpi, result.error, result.diagnosis, result.numAllNodes, start);
      return true;
    }
    const assumed: Pod = { ...pod, spec: { ...pod.spec, nodeName: result.node } };
    this.cache.assumePod(assumed);

    const reserve = await fwk.runReserve(state, assumed, result.node);
    if (!reserve.isSuccess()) {
      await fwk.runUnreserve(state, assumed, result.node);
      this.cache.forgetPod(assumed);
      await this.failed(fwk, state, qpi, reserve, rejectedBy(reserve), this.snapshot.numNodes(), start);
      return true;
    }
    const permit = await fwk.runPermit(state, assumed, result.node);
    if (!permit.isSuccess() && !permit.isWait()) {
      await fwk.runUnreserve(state, assumed, result.node);
      this.cache.forgetPod(assumed);
      await this.failed(fwk, state, qpi, permit, rejectedBy(permit), this.snapshot.numNodes(), start);
      return true;
    }
    const binding = this.bindingCycle(fwk, state, qpi, assumed, result.node, start).finally(() => this.inflightBindings.delete(binding));
    this.inflightBindings.add(binding);
    return true;
  }

  private async bindingCycle(fwk: Framework, state: CycleState, qpi: QueuedPodInfo, assumed: Pod, node: string, start: number): Promise<void> {
    let s = await fwk.waitOnPermit(assumed);
    if (s.isSuccess()) s = await fwk.runPreBind(state, assumed, node);
    if (s.isSuccess()) s = await fwk.runBind(state, assumed, node);
    if (!s.isSuccess()) {
      await fwk.runUnreserve(state, assumed, node);
      this.cache.forgetPod(assumed);
      // The room the pod held is free again: pods waiting for it may fit now.
      this.queue.onEvent({ resource: "AssignedPod", action: "Delete" }, assumed, undefined);
      await this.failed(fwk, state, qpi, s, rejectedBy(s), this.snapshot.numNodes(), start);
      return;
    }
    this.opts.metrics.attempts.inc({ result: "scheduled", profile: fwk.profileName });
    this.opts.metrics.attemptDuration.observe({ result: "scheduled", profile: fwk.profileName }, (performance.now() - start) / 1000);
    this.queue.done(qpi.podInfo.uid);
    this.queue.deleteNominated(qpi.podInfo.uid);
    this.opts.cluster.event(assumed, "Normal", "Scheduled", "Binding", `Successfully assigned ${podKey(assumed)} to ${node}`);
    fwk.runPostBind(state, assumed, node);
  }

  private async schedulePod(fwk: Framework, state: CycleState, pod: Pod): Promise<ScheduleResult> {
    const all = this.snapshot.nodeInfoList;
    if (!all.length) return { error: Status.unschedulable("no nodes available to schedule pods"), numAllNodes: 0, diagnosis: emptyDiagnosis() };
    const { feasible, diagnosis, error } = this.findNodesThatFitPod(fwk, state, pod, all);
    if (error) return { error, numAllNodes: all.length };
    if (!feasible.length) return { error: Status.unschedulable(), diagnosis, numAllNodes: all.length };
    if (feasible.length === 1) return { node: feasible[0]!.name, evaluated: diagnosis.nodeToStatus.size + 1, feasible: 1 };

    const pre = fwk.runPreScore(state, pod, feasible);
    if (!pre.isSuccess()) return { error: pre, numAllNodes: all.length };
    const { totals, status } = fwk.runScore(state, pod, feasible);
    if (!status.isSuccess()) return { error: status, numAllNodes: all.length };
    return { node: selectHost(totals), evaluated: diagnosis.nodeToStatus.size + feasible.length, feasible: feasible.length };
  }

  private findNodesThatFitPod(fwk: Framework, state: CycleState, pod: Pod, all: readonly NodeInfo[]): { feasible: NodeInfo[]; diagnosis: Diagnosis; error?: Status } {
    const diagnosis = emptyDiagnosis();
    const pre = fwk.runPreFilter(state, pod, all);
    if (!pre.status.isSuccess()) {
      if (!pre.status.isRejected()) return { feasible: [], diagnosis, error: pre.status };
      // Every node gets the PreFilter's status, so preemption sees the same reason everywhere.
      for (const n of all) diagnosis.nodeToStatus.set(n.name, pre.status);
      diagnosis.preFilterMsg = pre.status.message();
      addRejector(diagnosis, pre.status);
      return { feasible: [], diagnosis };
    }
    let nodes = all;
    const narrowed = pre.result?.nodeNames;
    if (narrowed) nodes = all.filter((n) => narrowed.has(n.name));
    // A nominated node (from an earlier preemption) is tried first.
    const nominated = pod.status?.nominatedNodeName;
    if (nominated) {
      const ni = this.snapshot.get(nominated);
      if (ni && (!narrowed || narrowed.has(nominated))) {
        const s = fwk.runFilterPluginsWithNominatedPods(state, pod, ni);
        if (s.isSuccess()) return { feasible: [ni], diagnosis };
      }
    }
    const wanted = numFeasibleNodesToFind(nodes.length, fwk.percentageOfNodesToScore);
    const feasible: NodeInfo[] = [];
    const start = performance.now();
    const n = nodes.length;
    const offset = this.nextStartNodeIndex % Math.max(n, 1);
    let processed = 0;
    const hasFilters = fwk.plugins.filter.length > 0;
    for (; processed < n && feasible.length < wanted; processed++) {
      const ni = nodes[(offset + processed) % n]!;
      const s = hasFilters ? fwk.runFilterPluginsWithNominatedPods(state, pod, ni) : Status.success();
      if (s.isSuccess()) feasible.push(ni);
      else if (s.code === Code.Error) return { feasible: [], diagnosis, error: s };
      else {
        diagnosis.nodeToStatus.set(ni.name, s);
        addRejector(diagnosis, s);
      }
    }
    fwk.observePoint("Filter", Status.success(), start);
    this.nextStartNodeIndex = (offset + processed) % Math.max(n, 1);
    if (narrowed) {
      const outside = Status.unresolvable(`node(s) didn't satisfy plugin(s) [${pre.result!.plugins.join(" ")}]`);
      for (const ni of all) if (!narrowed.has(ni.name)) diagnosis.nodeToStatus.set(ni.name, outside);
    }
    return { feasible, diagnosis };
  }

  private async failed(fwk: Framework, state: CycleState, qpi: QueuedPodInfo, error: Status, diagnosis: Diagnosis | undefined, numAllNodes: number, start: number): Promise<void> {
    const pod = qpi.podInfo.pod;
    let message: string;
    let nominatedNodeName: string | undefined;
    let result = "error";
    if (error.isRejected() && diagnosis) {
      result = "unschedulable";
      if (fwk.plugins.postFilter.length && diagnosis.nodeToStatus.size && error.code !== Code.Pending) {
        const pf = await fwk.runPostFilter(state, pod, diagnosis.nodeToStatus);
        if (pf.status.message()) diagnosis.postFilterMsg = pf.status.message();
        if (pf.nominatedNodeName) nominatedNodeName = pf.nominatedNodeName;
      }
      message = diagnosis.nodeToStatus.size || diagnosis.preFilterMsg ? fitErrorMessage(numAllNodes, diagnosis) : error.message() || `0/${numAllNodes} nodes are available`;
      qpi.unschedulablePlugins = diagnosis.unschedulablePlugins;
      qpi.pendingPlugins = diagnosis.pendingPlugins;
    } else {
      message = error.message();
      qpi.unschedulablePlugins = new Set();
      qpi.pendingPlugins = new Set();
    }
    this.opts.metrics.attempts.inc({ result, profile: fwk.profileName });
    this.opts.metrics.attemptDuration.observe({ result, profile: fwk.profileName }, (performance.now() - start) / 1000);
    if (nominatedNodeName) this.queue.addNominated(qpi.podInfo, nominatedNodeName);
    // A pod deleted while it was being scheduled is not requeued.
    if (this.queue.whereIs(qpi.podInfo.uid) === "inFlight") this.queue.addUnschedulable(qpi, error.code === Code.Pending);
    else this.queue.done(qpi.podInfo.uid);
    this.opts.logger.debug({ pod: podKey(pod), message }, "unable to schedule pod");
    this.opts.cluster.event(pod, "Warning", "FailedScheduling", "Scheduling", message);
    const condition: PodCondition = {
      type: "PodScheduled",
      status: "False",
      reason: result === "unschedulable" ? "Unschedulable" : "SchedulerError",
      message,
      lastTransitionTime: new Date(this.now()).toISOString(),
      lastProbeTime: null,
    };
    const patch = nominatedNodeName ? { condition, nominatedNodeName } : { condition };
    this.opts.cluster.patchPodStatus(pod, patch).catch((err: Error) => this.opts.logger.warn({ pod: podKey(pod), err: err.message }, "updating the pod's PodScheduled condition failed"));
  }

  // Cluster events, as upstream's informer handlers deliver them.

  podAdded(pod: Pod): void {
    if (pod.spec.nodeName) {
      this.cache.addPod(pod);
      this.queue.onEvent({ resource: "AssignedPod", action: "Add" }, undefined, pod);
      return;
    }
    if (this.profileFor(pod) && !pod.metadata.deletionTimestamp) this.queue.add(pod);
  }

  podUpdated(oldPod: Pod, newPod: Pod): void {
    if (newPod.spec.nodeName) {
      if (!oldPod.spec.nodeName) this.queue.delete(oldPod);
      this.cache.updatePod(oldPod, newPod);
      this.queue.onEvent(assignedPodUpdate(oldPod, newPod), oldPod, newPod);
      return;
    }
    if (!this.profileFor(newPod) || this.cache.isAssumed(newPod)) return;
    if (newPod.metadata.deletionTimestamp) this.queue.delete(newPod);
    else this.queue.update(oldPod, newPod);
  }

  podDeleted(pod: Pod): void {
    if (pod.spec.nodeName || this.cache.getPod(pod)) {
      this.cache.removePod(this.cache.getPod(pod) ?? pod);
      this.queue.onEvent({ resource: "AssignedPod", action: "Delete" }, pod, undefined);
      return;
    }
    this.queue.delete(pod);
    for (const f of this.profiles.values()) f.getWaitingPod(podUid(pod))?.reject("", "pod deleted while waiting at Permit");
  }

  nodeAdded(node: Node): void {
    this.cache.addNode(node);
    this.queue.onEvent({ resource: "Node", action: "Add" }, undefined, node);
  }

  nodeUpdated(oldNode: Node, newNode: Node): void {
    this.cache.updateNode(oldNode, newNode);
    for (const e of nodeUpdateEvents(oldNode, newNode)) this.queue.onEvent(e, oldNode, newNode);
  }

  nodeDeleted(node: Node): void {
    this.cache.removeNode(node);
  }

  otherChanged(resource: ClusterEvent["resource"], action: "Add" | "Update" | "Delete", oldObj: unknown, newObj: unknown): void {
    this.queue.onEvent({ resource, action }, oldObj, newObj);
  }
}

function emptyDiagnosis(): Diagnosis {
  return { nodeToStatus: new Map(), unschedulablePlugins: new Set(), pendingPlugins: new Set() };
}

function addRejector(d: Diagnosis, s: Status): void {
  if (!s.plugin) return;
  if (s.code === Code.Pending) d.pendingPlugins.add(s.plugin);
  else d.unschedulablePlugins.add(s.plugin);
}

function rejectedBy(s: Status): Diagnosis | undefined {
  if (!s.isRejected()) return undefined;
  const d = emptyDiagnosis();
  addRejector(d, s);
  return d;
}

function assignedPodUpdate(oldPod: Pod, newPod: Pod): ClusterEvent {
  if (JSON.stringify(oldPod.metadata.labels ?? {}) !== JSON.stringify(newPod.metadata.labels ?? {})) return { resource: "AssignedPod", action: "UpdatePodLabel" };
  return { resource: "AssignedPod", action: "Update" };
}

/** The highest total wins; ties are broken uniformly at random (reservoir sampling). */
export function selectHost(scores: readonly NodeScore[]): string {
  let best = scores[0]!;
  let ties = 1;
  for (let i = 1; i < scores.length; i++) {
    const s = scores[i]!;
    if (s.score > best.score) {
      best = s;
      ties = 1;
    } else if (s.score === best.score && Math.random() * ++ties < 1) best = s;
  }
  return best.name;
}
