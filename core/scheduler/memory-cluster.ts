import type { LabelSelector, Node, PersistentVolumeClaim, Pod, PodCondition, PodDisruptionBudget } from "./api-types.js";
import { podKey } from "./api-types.js";
import type { Cluster, ClusterHandlers } from "./cluster.js";

export interface RecordedEvent {
  pod: string;
  type: "Normal" | "Warning";
  reason: string;
  note: string;
}

/**
 * A cluster held in memory: the scheduler's source, writer and event sink without
 * an API server, for unit tests and the in-process benchmark. Bindings and status
 * patches come back as update events, as informers would deliver them.
 */
export class MemoryCluster implements Cluster {
  readonly pods = new Map<string, Pod>();
  readonly nodes = new Map<string, Node>();
  readonly pdbs: PodDisruptionBudget[] = [];
  readonly pvcs = new Map<string, PersistentVolumeClaim>();
  readonly events: RecordedEvent[] = [];
  /** Selectors of owners and Services, keyed by namespace, applied to the pods they match. */
  readonly ownerSelectors: { namespace: string; selector: LabelSelector; matches(pod: Pod): boolean }[] = [];
  private handlers?: ClusterHandlers;
  /** Optional delay (ms) before a bind call returns, to model API latency. */
  bindLatencyMs = 0;

  async start(handlers: ClusterHandlers): Promise<void> {
    this.handlers = handlers;
    for (const n of this.nodes.values()) handlers.nodeAdded(n);
    for (const p of this.pods.values()) handlers.podAdded(p);
  }

  addNode(node: Node): void {
    this.nodes.set(node.metadata.name, node);
    this.handlers?.nodeAdded(node);
  }

  updateNode(node: Node): void {
    const old = this.nodes.get(node.metadata.name)!;
    this.nodes.set(node.metadata.name, node);
    this.handlers?.nodeUpdated(old, node);
  }

  removeNode(name: string): void {
    const n = this.nodes.get(name);
    if (!n) return;
    this.nodes.delete(name);
    this.handlers?.nodeDeleted(n);
  }

  addPod(pod: Pod): void {
    pod.metadata.namespace ??= "default";
    pod.metadata.uid ??= `uid-${podKey(pod)}`;
    this.pods.set(podKey(pod), pod);
    this.handlers?.podAdded(pod);
  }

  updatePod(pod: Pod): void {
    const old = this.pods.get(podKey(pod))!;
    this.pods.set(podKey(pod), pod);
    this.handlers?.podUpdated(old, pod);
  }

  removePod(key: string): void {
    const p = this.pods.get(key);
    if (!p) return;
    this.pods.delete(key);
    this.handlers?.podDeleted(p);
  }

  async bind(pod: Pod, nodeName: string): Promise<void> {
    if (this.bindLatencyMs) await new Promise((r) => setTimeout(r, this.bindLatencyMs));
    const cur = this.pods.get(podKey(pod));
    if (!cur) throw new Error(`pods "${pod.metadata.name}" not found`);
    if (cur.spec.nodeName) throw new Error(`pod ${podKey(pod)} is already assigned to node "${cur.spec.nodeName}"`);
    this.updatePod({ ...cur, spec: { ...cur.spec, nodeName }, status: { ...cur.status, conditions: setCondition(cur.status?.conditions, { type: "PodScheduled", status: "True" }) } });
  }

  /** Graceful: the pod first gets a deletionTimestamp, then goes once its (simulated) kubelet is done. */
  async deletePod(pod: Pod): Promise<void> {
    const cur = this.pods.get(podKey(pod));
    if (!cur) return;
    this.updatePod({ ...cur, metadata: { ...cur.metadata, deletionTimestamp: new Date().toISOString() } });
    queueMicrotask(() => this.removePod(podKey(pod)));
  }

  async patchPodStatus(pod: Pod, patch: { condition?: PodCondition; nominatedNodeName?: string | null }): Promise<void> {
    const cur = this.pods.get(podKey(pod));
    if (!cur) return;
    const status = { ...cur.status };
    if (patch.condition) status.conditions = setCondition(status.conditions, patch.condition);
    if (patch.nominatedNodeName === null) delete status.nominatedNodeName;
    else if (patch.nominatedNodeName) status.nominatedNodeName = patch.nominatedNodeName;
    this.updatePod({ ...cur, status });
  }

  event(regarding: Pod, type: "Normal" | "Warning", reason: string, _action: string, note: string): void {
    this.events.push({ pod: podKey(regarding), type, reason, note });
  }

  podDisruptionBudgets(namespace?: string): PodDisruptionBudget[] {
    return namespace ? this.pdbs.filter((p) => (p.metadata.namespace ?? "default") === namespace) : this.pdbs;
  }

  podOwnerSelectors(pod: Pod): LabelSelector[] {
    return this.ownerSelectors.filter((o) => o.namespace === (pod.metadata.namespace ?? "default") && o.matches(pod)).map((o) => o.selector);
  }

  persistentVolumeClaim(namespace: string, name: string): PersistentVolumeClaim | undefined {
    return this.pvcs.get(`${namespace}/${name}`);
  }
}

function setCondition(list: PodCondition[] | undefined, c: PodCondition): PodCondition[] {
  return [...(list ?? []).filter((x) => x.type !== c.type), c];
}
