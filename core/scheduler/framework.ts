import type { PluginEntry } from "../kernel/extension-point.js";
import type { Pod } from "./api-types.js";
import { podPriority, podUid } from "./api-types.js";
import { eventMatches, type ClusterEvent, type ClusterEventWithHint } from "./cluster-events.js";
import type { CycleState } from "./cycle-state.js";
import type { FrameworkHandle, WaitingPod } from "./handle.js";
import type { SchedulerMetrics } from "./metrics.js";
import type { NodeInfo, PodInfo } from "./node-info.js";
import {
  MAX_NODE_SCORE,
  MIN_NODE_SCORE,
  type BindPlugin,
  type EnqueueExtensions,
  type FilterPlugin,
  type NodeScore,
  type NodeToStatus,
  type PermitPlugin,
  type PostBindPlugin,
  type PostFilterPlugin,
  type PostFilterResult,
  type PreBindPlugin,
  type PreEnqueuePlugin,
  type PreFilterPlugin,
  type PreFilterResult,
  type PreScorePlugin,
  type QueuedPodInfo,
  type QueueSortPlugin,
  type ReservePlugin,
  type ScorePlugin,
} from "./plugin-api.js";
import type { QueueProfile } from "./queue.js";
import { Code, Status, toStatus, type MaybeStatus } from "./status.js";
import { WaitingPodImpl } from "./waiting-pod.js";

/** One profile's plugins per point, in order, with score weights. */
export interface ProfilePlugins {
  preEnqueue: readonly PluginEntry<PreEnqueuePlugin>[];
  queueSort: readonly PluginEntry<QueueSortPlugin>[];
  preFilter: readonly PluginEntry<PreFilterPlugin>[];
  filter: readonly PluginEntry<FilterPlugin>[];
  postFilter: readonly PluginEntry<PostFilterPlugin>[];
  preScore: readonly PluginEntry<PreScorePlugin>[];
  score: readonly PluginEntry<ScorePlugin>[];
  reserve: readonly PluginEntry<ReservePlugin>[];
  permit: readonly PluginEntry<PermitPlugin>[];
  preBind: readonly PluginEntry<PreBindPlugin>[];
  bind: readonly PluginEntry<BindPlugin>[];
  postBind: readonly PluginEntry<PostBindPlugin>[];
}

export interface FrameworkOptions {
  profileName: string;
  plugins: ProfilePlugins;
  metrics: SchedulerMetrics;
  /** 0 (or unset) is upstream's adaptive default. */
  percentageOfNodesToScore?: number;
  nominatedPodsForNode(nodeName: string): readonly PodInfo[];
}

const MAX_PERMIT_WAIT_MS = 15 * 60_000;
const MIN_FEASIBLE_NODES = 100;
const MIN_FEASIBLE_PERCENTAGE = 5;

/** upstream's numFeasibleNodesToFind: every node under 100, else an adaptive share, never below 100. */
export function numFeasibleNodesToFind(numAllNodes: number, percentage = 0): number {
  if (numAllNodes < MIN_FEASIBLE_NODES || percentage >= 100) return numAllNodes;
  let pct = percentage;
  if (pct <= 0) pct = Math.max(MIN_FEASIBLE_PERCENTAGE, 50 - Math.trunc(numAllNodes / 125));
  return Math.max(MIN_FEASIBLE_NODES, Math.trunc((numAllNodes * pct) / 100));
}

const codeLabel = (s: MaybeStatus) => Code[s?.code ?? Code.Success];

/**
 * One scheduling profile: its plugins at every point and the rules for running
 * them (order, Skip pairing, weights and normalization, Permit waits, binder
 * fall-through). It names no plugin; the profile decides which serve.
 */
export class Framework implements FrameworkHandle, QueueProfile {
  readonly profileName: string;
  readonly plugins: ProfilePlugins;
  private readonly waiting = new Map<string, WaitingPodImpl>();
  private readonly events = new Map<string, readonly ClusterEventWithHint[] | undefined>();

  constructor(private readonly opts: FrameworkOptions) {
    this.profileName = opts.profileName;
    this.plugins = opts.plugins;
    const rejecting = [...opts.plugins.preEnqueue, ...opts.plugins.preFilter, ...opts.plugins.filter, ...opts.plugins.reserve, ...opts.plugins.permit];
    for (const e of rejecting) {
      const ext = e.instance as Partial<EnqueueExtensions>;
      // A plugin that registers no events may be helped by any event, as upstream assumes.
      this.events.set(e.name, typeof ext.eventsToRegister === "function" ? ext.eventsToRegister() : undefined);
    }
  }

  get percentageOfNodesToScore(): number {
    return this.opts.percentageOfNodesToScore ?? 0;
  }

  /** Every (plugin, event) this profile registered, for the scheduler's event handlers. */
  registeredEvents(): Map<string, readonly ClusterEventWithHint[] | undefined> {
    return this.events;
  }

  less(a: QueuedPodInfo, b: QueuedPodInfo): boolean {
    return this.plugins.queueSort[0]!.instance.less(a, b);
  }

  runPreEnqueue(pod: Pod): Status {
    for (const e of this.plugins.preEnqueue) {
      const s = this.guard(e.name, () => e.instance.preEnqueue(pod));
      if (s && !s.isSuccess()) return s.withPlugin(e.name);
    }
    return Status.success();
  }

  isWorthRequeuing(qpi: QueuedPodInfo, event: ClusterEvent, oldObj: unknown, newObj: unknown): boolean {
    const rejectors = [...qpi.unschedulablePlugins, ...qpi.pendingPlugins];
    if (!rejectors.length) return true;
    for (const name of rejectors) {
      if (!this.events.has(name)) return true;
      const registered = this.events.get(name);
      if (!registered) return true;
      for (const r of registered) {
        if (!eventMatches(r.event, event)) continue;
        if (!r.hint) return true;
        try {
          if (r.hint(qpi.podInfo.pod, oldObj, newObj) === "Queue") return true;
        } catch {
          return true; // a failing hint must not strand the pod
        }
      }
    }
    return false;
  }

  /** The PreFilter results intersected, with the plugins that narrowed them (for the message of nodes left out). */
  runPreFilter(state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): { result?: PreFilterResult & { plugins: string[] }; status: Status } {
    return this.point("PreFilter", () => {
      let result: Set<string> | undefined;
      const narrowing: string[] = [];
      const skipped = new Set<string>();
      for (const e of this.plugins.preFilter) {
        const out = this.timed(state, e.name, "PreFilter", () => e.instance.preFilter(state, pod, nodes));
        if (out instanceof Status) {
          if (out.isSkip()) {
            skipped.add(e.name);
            continue;
          }
          if (!out.isSuccess()) {
            return { status: (out.code === Code.Error ? Status.error(`running PreFilter plugin "${e.name}": ${out.message()}`) : out).withPlugin(e.name) };
          }
        } else if (out) {
          narrowing.push(e.name);
          result = result ? new Set([...result].filter((n) => out.nodeNames.has(n))) : new Set(out.nodeNames);
          if (!result.size) return { status: Status.unresolvable(`node(s) didn't satisfy plugin(s) [${e.name}] simultaneously`).withPlugin(e.name) };
        }
      }
      for (const s of skipped) state.skipFilter.add(s);
      return { status: Status.success(), ...(result ? { result: { nodeNames: result, plugins: narrowing } } : {}) };
    });
  }

  runFilterPlugins(state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status {
    for (const e of this.plugins.filter) {
      if (state.skipFilter.has(e.name)) continue;
      const s = state.recordPluginMetrics ? this.timed(state, e.name, "Filter", () => e.instance.filter(state, pod, nodeInfo)) : this.guard(e.name, () => e.instance.filter(state, pod, nodeInfo));
      if (s && !s.isSuccess()) {
        if (!s.isRejected()) return Status.error(`running "${e.name}" filter plugin: ${s.message()}`).withPlugin(e.name);
        return s.withPlugin(e.name);
      }
    }
    return Status.success();
  }

  runFilterPluginsWithNominatedPods(state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status {
    const candidates = this.opts.nominatedPodsForNode(nodeInfo.name);
    if (!candidates.length) return this.runFilterPlugins(state, pod, nodeInfo);
    const nominated = candidates.filter((p) => p.uid !== podUid(pod) && podPriority(p.pod) >= podPriority(pod));
    if (!nominated.length) return this.runFilterPlugins(state, pod, nodeInfo);
    // Two passes as upstream: with the nominated pods (they may take the room) and without (affinity to them must not be required).
    const withState = state.clone();
    const withNode = nodeInfo.clone();
    for (const p of nominated) {
      withNode.addPod(p);
      const s = this.runPreFilterExtensionAddPod(withState, pod, p, withNode);
      if (!s.isSuccess()) return s;
    }
    const s = this.runFilterPlugins(withState, pod, withNode);
    if (!s.isSuccess()) return s;
    return this.runFilterPlugins(state, pod, nodeInfo);
  }

  runPreFilterExtensionAddPod(state: CycleState, pod: Pod, toAdd: PodInfo, nodeInfo: NodeInfo): Status {
    for (const e of this.plugins.preFilter) {
      if (state.skipFilter.has(e.name)) continue;
      const ext = e.instance.preFilterExtensions?.();
      const s = ext && this.guard(e.name, () => ext.addPod(state, pod, toAdd, nodeInfo));
      if (s && !s.isSuccess()) return Status.error(`running AddPod on PreFilter plugin "${e.name}": ${s.message()}`).withPlugin(e.name);
    }
    return Status.success();
  }

  runPreFilterExtensionRemovePod(state: CycleState, pod: Pod, toRemove: PodInfo, nodeInfo: NodeInfo): Status {
    for (const e of this.plugins.preFilter) {
      if (state.skipFilter.has(e.name)) continue;
      const ext = e.instance.preFilterExtensions?.();
      const s = ext && this.guard(e.name, () => ext.removePod(state, pod, toRemove, nodeInfo));
      if (s && !s.isSuccess()) return Status.error(`running RemovePod on PreFilter plugin "${e.name}": ${s.message()}`).withPlugin(e.name);
    }
    return Status.success();
  }

  /** The first PostFilter to return other than Unschedulable ends the point (upstream). */
  async runPostFilter(state: CycleState, pod: Pod, filtered: NodeToStatus): Promise<PostFilterResult> {
    const start = performance.now();
    let result: PostFilterResult = { status: Status.unschedulable() };
    const reasons: string[] = [];
    for (const e of this.plugins.postFilter) {
      let r: PostFilterResult;
      try {
        r = await e.instance.postFilter(state, pod, filtered);
      } catch (err) {
        r = { status: Status.error(err as Error) };
      }
      r.status.withPlugin(e.name);
      if (r.status.isSuccess() || r.status.code === Code.Error) {
        result = r;
        break;
      }
      if (r.status.message()) reasons.push(r.status.message());
      if (r.status.code === Code.UnschedulableAndUnresolvable) {
        result = r;
        break;
      }
      result = { status: new Status(Code.Unschedulable, reasons) };
    }
    this.observePoint("PostFilter", result.status, start);
    return result;
  }

  runPreScore(state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): Status {
    return this.point("PreScore", () => {
      for (const e of this.plugins.preScore) {
        const s = this.timed(state, e.name, "PreScore", () => e.instance.preScore(state, pod, nodes));
        if (s?.isSkip()) {
          state.skipScore.add(e.name);
          continue;
        }
        if (s && !s.isSuccess()) return Status.error(`running PreScore plugin "${e.name}": ${s.message()}`).withPlugin(e.name);
      }
      return Status.success();
    });
  }

  /** Weighted totals per node, each plugin's scores normalized into [0, 100] first. */
  runScore(state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): { totals: NodeScore[]; status: Status } {
    const start = performance.now();
    const totals: NodeScore[] = nodes.map((n) => ({ name: n.name, score: 0 }));
    for (const e of this.plugins.score) {
      if (state.skipScore.has(e.name)) continue;
      const scores: NodeScore[] = new Array(nodes.length);
      for (let i = 0; i < nodes.length; i++) {
        let out: number | Status;
        try {
          out = toStatus(e.instance.score(state, pod, nodes[i]!));
        } catch (err) {
          out = Status.error(`plugin ${e.name} threw: ${(err as Error).message}`);
        }
        if (out instanceof Status) {
          const status = Status.error(`running Score plugin "${e.name}": ${out.message()}`).withPlugin(e.name);
          this.observePoint("Score", status, start);
          return { totals, status };
        }
        scores[i] = { name: nodes[i]!.name, score: out };
      }
      const ns = e.instance.normalizeScore ? this.guard(e.name, () => e.instance.normalizeScore!(state, pod, scores)) : undefined;
      if (ns && !ns.isSuccess()) {
        const status = Status.error(`running Normalize on Score plugin "${e.name}": ${ns.message()}`).withPlugin(e.name);
        this.observePoint("Score", status, start);
        return { totals, status };
      }
      for (let i = 0; i < scores.length; i++) {
        const s = scores[i]!.score;
        if (!(s >= MIN_NODE_SCORE && s <= MAX_NODE_SCORE)) {
          const status = Status.error(`plugin "${e.name}" returns an invalid score ${s}, it should in the range of [${MIN_NODE_SCORE}, ${MAX_NODE_SCORE}] after normalizing`).withPlugin(e.name);
          this.observePoint("Score", status, start);
          return { totals, status };
        }
        totals[i]!.score += s * e.weight;
      }
    }
    this.observePoint("Score", Status.success(), start);
    return { totals, status: Status.success() };
  }

  async runReserve(state: CycleState, pod: Pod, nodeName: string): Promise<Status> {
    const start = performance.now();
    for (const e of this.plugins.reserve) {
      let s: MaybeStatus;
      try {
        s = await e.instance.reserve(state, pod, nodeName);
      } catch (err) {
        s = Status.error(err as Error);
      }
      if (s && !s.isSuccess()) {
        const out = (s.isRejected() ? s : Status.error(`running Reserve plugin "${e.name}": ${s.message()}`)).withPlugin(e.name);
        this.observePoint("Reserve", out, start);
        return out;
      }
    }
    this.observePoint("Reserve", Status.success(), start);
    return Status.success();
  }

  /** Every reserve plugin, in reverse order; failures are logged by the caller, never stop the unwinding. */
  async runUnreserve(state: CycleState, pod: Pod, nodeName: string): Promise<void> {
    for (const e of [...this.plugins.reserve].reverse()) {
      try {
        await e.instance.unreserve(state, pod, nodeName);
      } catch {
        // Unreserve must be idempotent and best-effort; the next plugin still runs.
      }
    }
  }

  /** Success, a rejection, or Wait with the pod parked until its plugins allow it. */
  async runPermit(state: CycleState, pod: Pod, nodeName: string): Promise<Status> {
    const start = performance.now();
    const timeouts = new Map<string, number>();
    for (const e of this.plugins.permit) {
      let r;
      try {
        r = await e.instance.permit(state, pod, nodeName);
      } catch (err) {
        r = { status: Status.error(err as Error) };
      }
      const s = r.status;
      if (!s || s.isSuccess()) continue;
      if (s.isWait()) {
        timeouts.set(e.name, Math.min(r.timeoutMs ?? MAX_PERMIT_WAIT_MS, MAX_PERMIT_WAIT_MS));
        continue;
      }
      const out = (s.isRejected() ? s : Status.error(`running Permit plugin "${e.name}": ${s.message()}`)).withPlugin(e.name);
      this.observePoint("Permit", out, start);
      return out;
    }
    if (timeouts.size) {
      this.waiting.set(podUid(pod), new WaitingPodImpl(pod, nodeName, timeouts));
      const s = Status.wait();
      this.observePoint("Permit", s, start);
      return s;
    }
    this.observePoint("Permit", Status.success(), start);
    return Status.success();
  }

  /** Blocks the binding cycle of a pod parked at Permit until it is allowed, rejected or timed out. */
  async waitOnPermit(pod: Pod): Promise<Status> {
    const wp = this.waiting.get(podUid(pod));
    if (!wp) return Status.success();
    try {
      return await wp.done;
    } finally {
      this.waiting.delete(podUid(pod));
    }
  }

  getWaitingPod(uid: string): WaitingPod | undefined {
    return this.waiting.get(uid);
  }

  iterateWaitingPods(fn: (wp: WaitingPod) => void): void {
    for (const wp of this.waiting.values()) fn(wp);
  }

  async runPreBind(state: CycleState, pod: Pod, nodeName: string): Promise<Status> {
    const start = performance.now();
    for (const e of this.plugins.preBind) {
      let s: MaybeStatus;
      try {
        s = await e.instance.preBind(state, pod, nodeName);
      } catch (err) {
        s = Status.error(err as Error);
      }
      if (s && !s.isSuccess() && !s.isSkip()) {
        const out = (s.isRejected() ? s : Status.error(`running PreBind plugin "${e.name}": ${s.message()}`)).withPlugin(e.name);
        this.observePoint("PreBind", out, start);
        return out;
      }
    }
    this.observePoint("PreBind", Status.success(), start);
    return Status.success();
  }

  async runBind(state: CycleState, pod: Pod, nodeName: string): Promise<Status> {
    const start = performance.now();
    let out: Status = Status.skip();
    for (const e of this.plugins.bind) {
      let s: MaybeStatus;
      try {
        s = await e.instance.bind(state, pod, nodeName);
      } catch (err) {
        s = Status.error(err as Error);
      }
      if (s?.isSkip()) continue;
      out = s && !s.isSuccess() ? Status.error(`running Bind plugin "${e.name}": ${s.message()}`).withPlugin(e.name) : Status.success();
      break;
    }
    this.observePoint("Bind", out, start);
    return out;
  }

  runPostBind(state: CycleState, pod: Pod, nodeName: string): void {
    for (const e of this.plugins.postBind) this.guard(e.name, () => e.instance.postBind(state, pod, nodeName));
  }

  private point<T extends { status: Status } | Status>(name: string, fn: () => T): T {
    const start = performance.now();
    const out = fn();
    this.observePoint(name, out instanceof Status ? out : out.status, start);
    return out;
  }

  /** Per-label children are cached: the labels are hashed once, not on every cycle. */
  private readonly pointTimers = new Map<string, { observe(v: number): void }>();
  private readonly pluginTimers = new Map<string, { observe(v: number): void }>();

  observePoint(point: string, s: Status, start: number): void {
    const status = codeLabel(s);
    const key = `${point}/${status}`;
    let h = this.pointTimers.get(key);
    if (!h) this.pointTimers.set(key, (h = this.opts.metrics.extensionPointDuration.labels({ extension_point: point, status, profile: this.profileName })));
    h.observe((performance.now() - start) / 1000);
  }

  private timed<T>(state: CycleState, plugin: string, point: string, fn: () => T): T {
    if (!state.recordPluginMetrics) return this.guard(plugin, fn);
    const start = performance.now();
    const out = this.guard(plugin, fn);
    const status = out instanceof Status ? codeLabel(out) : "Success";
    const key = `${plugin}/${point}/${status}`;
    let h = this.pluginTimers.get(key);
    if (!h) this.pluginTimers.set(key, (h = this.opts.metrics.pluginDuration.labels({ plugin, extension_point: point, status })));
    h.observe((performance.now() - start) / 1000);
    return out;
  }

  /** A plugin that throws has a bug; its call becomes an Error status naming it, and the loop goes on. */
  private guard<T>(plugin: string, fn: () => T): T {
    try {
      return toStatus(fn()) as T;
    } catch (err) {
      return Status.error(`plugin ${plugin} threw: ${(err as Error).message}`).withPlugin(plugin) as T;
    }
  }
}

