import type { Node, Pod } from "./api-types.js";
import { podUid } from "./api-types.js";
import { NodeInfo, PodInfo, type ImageState } from "./node-info.js";
import type { Snapshot } from "./snapshot.js";

interface PodState {
  pod: Pod;
  assumed: boolean;
}

/**
 * The scheduler's view of nodes and the pods on them: bound pods from the cluster
 * plus "assumed" pods it has chosen a node for and is still binding, so the next
 * cycle already counts them. `updateSnapshot` copies only nodes changed since the
 * last cycle.
 */
export class SchedulerCache {
  private readonly nodes = new Map<string, NodeInfo>();
  private readonly pods = new Map<string, PodState>();
  private readonly images = new Map<string, { state: ImageState; nodes: Set<string> }>();
  private readonly dirty = new Set<string>();
  private nodeSetChanged = true;

  nodeCount(): number {
    let n = 0;
    for (const ni of this.nodes.values()) if (ni.node) n++;
    return n;
  }
  podCount(): number {
    return this.pods.size;
  }
  isAssumed(pod: Pod): boolean {
    return this.pods.get(podUid(pod))?.assumed ?? false;
  }
  /** The pod as the cache holds it (bound or assumed), if any. */
  getPod(pod: Pod): Pod | undefined {
    return this.pods.get(podUid(pod))?.pod;
  }

  /** Counts the pod on its chosen node before the bind call returns. */
  assumePod(pod: Pod): void {
    const uid = podUid(pod);
    if (this.pods.has(uid)) throw new Error(`pod ${uid} is already in the cache, so cannot be assumed`);
    this.addToNode(pod);
    this.pods.set(uid, { pod, assumed: true });
  }

  /** Undoes an assumption after a failed reserve, permit or bind. */
  forgetPod(pod: Pod): void {
    const uid = podUid(pod);
    const st = this.pods.get(uid);
    if (!st?.assumed) return;
    this.removeFromNode(st.pod);
    this.pods.delete(uid);
  }

  /** A bound pod seen by the informer; confirms an assumed pod. */
  addPod(pod: Pod): void {
    const uid = podUid(pod);
    const st = this.pods.get(uid);
    if (st) this.removeFromNode(st.pod);
    this.addToNode(pod);
    this.pods.set(uid, { pod, assumed: false });
  }

  updatePod(_old: Pod, pod: Pod): void {
    this.addPod(pod);
  }

  removePod(pod: Pod): void {
    const uid = podUid(pod);
    const st = this.pods.get(uid);
    if (!st) return;
    this.removeFromNode(st.pod);
    this.pods.delete(uid);
  }

  addNode(node: Node): void {
    const name = node.metadata.name;
    let ni = this.nodes.get(name);
    if (!ni) {
      ni = new NodeInfo(node);
      this.nodes.set(name, ni);
      this.nodeSetChanged = true;
    } else {
      if (!ni.node) this.nodeSetChanged = true;
      this.removeImages(ni);
      ni.setNode(node);
    }
    this.addImages(ni);
    this.dirty.add(name);
  }

  updateNode(_old: Node, node: Node): void {
    this.addNode(node);
  }

  removeNode(node: Node): void {
    const name = node.metadata.name;
    const ni = this.nodes.get(name);
    if (!ni) return;
    this.removeImages(ni);
    // Pods still bound there keep a placeholder until they are deleted too.
    if (ni.pods.length) ni.node = undefined;
    else this.nodes.delete(name);
    this.nodeSetChanged = true;
    this.dirty.add(name);
  }

  updateSnapshot(snap: Snapshot): void {
    let affinityChanged = false;
    for (const name of this.dirty) {
      const ni = this.nodes.get(name);
      const before = snap.nodeInfoMap.get(name);
      if (before && (before.podsWithAffinity.length || before.podsWithRequiredAntiAffinity.length)) affinityChanged = true;
      if (!ni) {
        snap.nodeInfoMap.delete(name);
        continue;
      }
      const copy = ni.clone();
      if (copy.podsWithAffinity.length || copy.podsWithRequiredAntiAffinity.length) affinityChanged = true;
      snap.nodeInfoMap.set(name, copy);
    }
    if (this.nodeSetChanged) {
      snap.rebuildLists();
      this.nodeSetChanged = false;
    } else if (this.dirty.size) {
      for (const name of this.dirty) {
        const at = snap.indexOf(name);
        if (at !== undefined) snap.nodeInfoList[at] = snap.nodeInfoMap.get(name)!;
      }
      if (affinityChanged) snap.rebuildAffinityLists();
    }
    this.dirty.clear();
  }

  private addToNode(pod: Pod): void {
    const name = pod.spec.nodeName!;
    let ni = this.nodes.get(name);
    if (!ni) this.nodes.set(name, (ni = new NodeInfo()));
    ni.addPod(new PodInfo(pod));
    this.dirty.add(name);
  }

  private removeFromNode(pod: Pod): void {
    const name = pod.spec.nodeName!;
    const ni = this.nodes.get(name);
    if (!ni) return;
    ni.removePod(podUid(pod));
    if (!ni.node && !ni.pods.length) this.nodes.delete(name);
    this.dirty.add(name);
  }

  private addImages(ni: NodeInfo): void {
    ni.imageStates = new Map();
    for (const img of ni.node?.status?.images ?? []) {
      for (const name of img.names ?? []) {
        let e = this.images.get(name);
        if (!e) this.images.set(name, (e = { state: { size: img.sizeBytes ?? 0, numNodes: 0 }, nodes: new Set() }));
        e.nodes.add(ni.name);
        e.state.numNodes = e.nodes.size;
        ni.imageStates.set(name, e.state);
      }
    }
  }

  private removeImages(ni: NodeInfo): void {
    for (const name of ni.imageStates.keys()) {
      const e = this.images.get(name);
      if (!e) continue;
      e.nodes.delete(ni.name);
      e.state.numNodes = e.nodes.size;
      if (!e.nodes.size) this.images.delete(name);
    }
  }
}
