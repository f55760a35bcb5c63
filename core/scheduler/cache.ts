import { NodeInfo, podInfo } from "./node-info.js";
import { podKey, type Node, type Pod } from "./types.js";

/** The nodes as one scheduling cycle sees them; plugins never see later changes mid-cycle. */
export interface Snapshot {
  readonly nodes: readonly NodeInfo[];
  get(name: string): NodeInfo | undefined;
}

interface PodState {
  pod: Pod;
  nodeName: string;
  assumed: boolean;
}

/**
 * Upstream's scheduler cache: node infos built from the informers plus pods the
 * scheduler has assumed onto a node before the API confirms the binding, so the
 * next cycle already counts them.
 */
export class SchedulerCache {
  private readonly nodes = new Map<string, NodeInfo>();
  private readonly pods = new Map<string, PodState>();
  private snap = new Map<string, NodeInfo>();
  private snapList: NodeInfo[] = [];
  private structureChanged = true;

  addNode(node: Node): void {
    const existing = this.nodes.get(node.metadata.name);
    if (existing) {
      if (existing.placeholder) this.structureChanged = true;
      existing.placeholder = false;
      existing.setNode(node);
    } else {
      this.nodes.set(node.metadata.name, new NodeInfo(node));
      this.structureChanged = true;
    }
  }
  updateNode(node: Node): void {
    this.addNode(node);
  }
  removeNode(name: string): void {
    if (this.nodes.delete(name)) this.structureChanged = true;
  }
  nodeCount(): number {
    return this.nodes.size;
  }

  /** The scheduler picked `nodeName`; count the pod there until the binding lands or fails. */
  assume(pod: Pod, nodeName: string): void {
    const key = podKey(pod);
    if (this.pods.has(key)) throw new Error(`pod ${key} is already in the cache`);
    this.pods.set(key, { pod, nodeName, assumed: true });
    this.nodeFor(nodeName)?.addPod(podInfo({ ...pod, spec: { ...pod.spec, nodeName } }));
  }

  /** Binding failed: drop the assumption. */
  forget(pod: Pod): void {
    const key = podKey(pod);
    const state = this.pods.get(key);
    if (!state?.assumed) return;
    this.pods.delete(key);
    this.nodes.get(state.nodeName)?.removePod(key);
  }

  isAssumed(pod: Pod): boolean {
    return this.pods.get(podKey(pod))?.assumed ?? false;
  }

  /** A bound pod seen by the informer (confirms an assumption, or a pod bound elsewhere). */
  addPod(pod: Pod): void {
    const nodeName = pod.spec.nodeName;
    if (!nodeName) return;
    const key = podKey(pod);
    const prev = this.pods.get(key);
    if (prev) this.nodes.get(prev.nodeName)?.removePod(key);
    this.pods.set(key, { pod, nodeName, assumed: false });
    this.nodeFor(nodeName)?.addPod(podInfo(pod));
  }
  updatePod(pod: Pod): void {
    this.addPod(pod);
  }
  removePod(pod: Pod): void {
    const key = podKey(pod);
    const state = this.pods.get(key);
    if (!state) return;
    this.pods.delete(key);
    this.nodes.get(state.nodeName)?.removePod(key);
  }

  /** Copies only nodes whose generation moved since the last snapshot. */
  snapshot(): Snapshot {
    if (this.structureChanged) {
      const next = new Map<string, NodeInfo>();
      for (const [name, info] of this.nodes) {
        if (info.placeholder) continue;
        const old = this.snap.get(name);
        next.set(name, old && old.generation === info.generation && old.node === info.node ? old : info.clone());
      }
      this.snap = next;
      this.snapList = [...next.values()];
      this.structureChanged = false;
    } else {
      for (let i = 0; i < this.snapList.length; i++) {
        const old = this.snapList[i]!;
        const live = this.nodes.get(old.name)!;
        if (live.generation !== old.generation || live.node !== old.node) {
          const copy = live.clone();
          this.snapList[i] = copy;
          this.snap.set(copy.name, copy);
        }
      }
    }
    const list = this.snapList.slice();
    const byName = this.snap;
    return { nodes: list, get: (name) => byName.get(name) };
  }

  private nodeFor(name: string): NodeInfo | undefined {
    // A pod may be seen before its node; upstream keeps a placeholder NodeInfo for it.
    let info = this.nodes.get(name);
    if (!info) {
      info = new NodeInfo({ metadata: { name } });
      info.placeholder = true;
      this.nodes.set(name, info);
      this.structureChanged = true;
    }
    return info;
  }
}
