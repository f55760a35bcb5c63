import type { PluginEntry } from "../kernel/extension-point.js";
import { CycleState } from "./cycle-state.js";
import type { NodeInfo } from "./node-info.js";
import type {
  BindPlugin, ClusterEvent, FilterPlugin, NodeScore, PermitPlugin, PostBindPlugin, PostFilterPlugin, PostFilterResult,
  PreBindPlugin, PreEnqueuePlugin, PreFilterPlugin, PreScorePlugin, QueueSortPlugin, ReservePlugin, ScorePlugin,
} from "./points.js";
import { asStatus, Code, Status } from "./status.js";
import type { Pod } from "./types.js";

export const MAX_NODE_SCORE = 100;
export const MIN_NODE_SCORE = 0;
/** Upstream caps a Permit wait at 15 minutes. */
export const MAX_PERMIT_WAIT_MS = 15 * 60_000;

/** The plugins of one scheduler profile, per point, in order. */
export interface ProfilePlugins {
  queueSort: PluginEntry<QueueSortPlugin>;
  preEnqueue: readonly PluginEntry<PreEnqueuePlugin>[];
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

/** Where the framework reports durations (`scheduler_framework_extension_point_duration_seconds` and per plugin). */
export interface FrameworkObserver {
  extensionPoint(point: string, status: Code, profile: string, seconds: number): void;
  plugin(plugin: string, point: string, status: Code, seconds: number): void;
}

const noObserver: FrameworkObserver = { extensionPoint: () => {}, plugin: () => {} };

export interface PreFilterOutcome {
  status: Status;
  /** Nodes every narrowing PreFilter agreed on; undefined means all. */
  nodeNames?: Set<string>;
}

/**
 * Runs one profile's plugins at each point with upstream's rules: the first
 * non-success ends a chain, Skip from PreFilter/PreScore disables the paired
 * Filter/Score, scores are normalized to [0, 100] and weighted.
 */
export class Framework {
  constructor(
    readonly profileName: string,
    readonly plugins: ProfilePlugins,
    private readonly observer: FrameworkObserver = noObserver,
  ) {}

  /** Every event any plugin registered, per plugin name, for the queue's requeueing. */
  eventsByPlugin(): Map<string, ClusterEvent[]> {
    const out = new Map<string, ClusterEvent[]>();
    const p = this.plugins;
    for (const list of [p.preEnqueue, p.preFilter, p.filter, p.reserve, p.permit] as readonly (readonly PluginEntry<{ events?(): ClusterEvent[] }>[])[]) {
      for (const e of list) if (e.instance.events) out.set(e.name, e.instance.events());
    }
    return out;
  }

  runPreFilter(state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): PreFilterOutcome {
    const start = performance.now();
    let nodeNames: Set<string> | undefined;
    for (const { name, instance } of this.plugins.preFilter) {
      const t = performance.now();
      const out = instance.preFilter(state, pod, nodes);
      const status = out instanceof Status ? out : Status.success();
      this.observer.plugin(name, "PreFilter", status.code, (performance.now() - t) / 1e3);
      if (status.code === Code.Skip) {
        state.skipFilter.add(name);
        continue;
      }
      if (!status.isSuccess()) {
        this.observer.extensionPoint("PreFilter", status.code, this.profileName, (performance.now() - start) / 1e3);
        return { status: status.withPlugin(name) };
      }
      const narrowed = out && !(out instanceof Status) ? out.nodeNames : undefined;
      if (narrowed) nodeNames = nodeNames ? new Set([...nodeNames].filter((n) => narrowed.has(n))) : new Set(narrowed);
    }
    this.observer.extensionPoint("PreFilter", Code.Success, this.profileName, (performance.now() - start) / 1e3);
    if (nodeNames && nodeNames.size === 0) {
      return { status: Status.unresolvable("node(s) didn't satisfy plugin(s) prefilter result").withPlugin("PreFilterResult"), nodeNames };
    }
    return { status: Status.success(), nodeNames };
  }

  /** All Filter plugins on one node; the first rejection wins. */
  runFilter(state: CycleState, pod: Pod, node: NodeInfo): Status {
    for (const { name, instance } of this.plugins.filter) {
      if (state.skipFilter.has(name)) continue;
      const s = asStatus(instance.filter(state, pod, node));
      if (!s.isSuccess()) return s.withPlugin(name);
    }
    return Status.success();
  }

  async runPostFilter(state: CycleState, pod: Pod, filtered: ReadonlyMap<string, Status>): Promise<PostFilterResult> {
    let last: PostFilterResult = { status: Status.unschedulable() };
    for (const { name, instance } of this.plugins.postFilter) {
      const res = await instance.postFilter(state, pod, filtered);
      if (res.status.isSuccess()) return res;
      if (res.status.code !== Code.Unschedulable) return { ...res, status: res.status.withPlugin(name) };
      last = { ...res, status: res.status.withPlugin(name) };
    }
    return last;
  }

  runPreScore(state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): Status {
    for (const { name, instance } of this.plugins.preScore) {
      const s = asStatus(instance.preScore(state, pod, nodes));
      if (s.code === Code.Skip) {
        state.skipScore.add(name);
        continue;
      }
      if (!s.isSuccess()) return s.withPlugin(name);
    }
    return Status.success();
  }

  /** Weighted totals per node; throws when a plugin leaves [0, 100] after normalizing. */
  runScore(state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): NodeScore[] {
    const totals = nodes.map((n) => ({ name: n.name, score: 0 }));
    for (const { name, instance, weight } of this.plugins.score) {
      if (state.skipScore.has(name)) continue;
      const t = performance.now();
      const scores = nodes.map((n) => ({ name: n.name, score: instance.score(state, pod, n) }));
      if (instance.normalizeScore) {
        const s = asStatus(instance.normalizeScore(state, pod, scores));
        if (!s.isSuccess()) throw new Error(`plugin ${name} failed to normalize scores: ${s.message()}`);
      }
      for (let i = 0; i < scores.length; i++) {
        const sc = scores[i]!.score;
        if (!(sc >= MIN_NODE_SCORE && sc <= MAX_NODE_SCORE)) throw new Error(`plugin "${name}" returns an invalid score ${sc}, it should in the range of [${MIN_NODE_SCORE}, ${MAX_NODE_SCORE}] after normalizing`);
        totals[i]!.score += sc * (weight || 1);
      }
      this.observer.plugin(name, "Score", Code.Success, (performance.now() - t) / 1e3);
    }
    return totals;
  }

  runReserve(state: CycleState, pod: Pod, nodeName: string): Status {
    for (const { name, instance } of this.plugins.reserve) {
      const s = asStatus(instance.reserve(state, pod, nodeName));
      if (!s.isSuccess()) return s.withPlugin(name);
    }
    return Status.success();
  }

  /** Runs on every reserve plugin in reverse order; each must tolerate being called twice. */
  runUnreserve(state: CycleState, pod: Pod, nodeName: string): void {
    for (const { instance } of [...this.plugins.reserve].reverse()) instance.unreserve(state, pod, nodeName);
  }

  /** Success, a rejection, or Wait with the shortest timeout any waiting plugin asked for. */
  runPermit(state: CycleState, pod: Pod, nodeName: string): { status: Status; timeoutMs: number; waitingOn: string[] } {
    const waitingOn: string[] = [];
    let timeoutMs = MAX_PERMIT_WAIT_MS;
    for (const { name, instance } of this.plugins.permit) {
      const res = instance.permit(state, pod, nodeName) ?? {};
      const s = asStatus(res.status);
      if (s.code === Code.Wait) {
        waitingOn.push(name);
        timeoutMs = Math.min(timeoutMs, res.timeoutMs ?? MAX_PERMIT_WAIT_MS);
        continue;
      }
      if (!s.isSuccess()) return { status: s.withPlugin(name), timeoutMs: 0, waitingOn: [] };
    }
    return { status: waitingOn.length ? Status.wait() : Status.success(), timeoutMs, waitingOn };
  }

  async runPreBind(state: CycleState, pod: Pod, nodeName: string): Promise<Status> {
    for (const { name, instance } of this.plugins.preBind) {
      const s = asStatus(await instance.preBind(state, pod, nodeName));
      if (s.code === Code.Skip) continue;
      if (!s.isSuccess()) return s.withPlugin(name);
    }
    return Status.success();
  }

  async runBind(state: CycleState, pod: Pod, nodeName: string): Promise<Status> {
    for (const { name, instance } of this.plugins.bind) {
      const s = asStatus(await instance.bind(state, pod, nodeName));
      if (s.code === Code.Skip) continue;
      return s.withPlugin(name);
    }
    return Status.error(new Error("no bind plugin bound the pod"));
  }

  runPostBind(state: CycleState, pod: Pod, nodeName: string): void {
    for (const { instance } of this.plugins.postBind) instance.postBind(state, pod, nodeName);
  }

  newCycleState(): CycleState {
    return new CycleState();
  }
}
