import type { Affinity, Node, Pod } from "./api-types.js";
import { podKey, podUid } from "./api-types.js";
import { addInto, podRequests, toResources, type Resources } from "./resources.js";

/** A pod with what the scheduler derives from it once. */
export class PodInfo {
  readonly requests: Resources;
  readonly nonZeroRequests: Resources;
  readonly uid: string;
  readonly key: string;
  constructor(readonly pod: Pod) {
    this.requests = podRequests(pod);
    this.nonZeroRequests = podRequests(pod, true);
    this.uid = podUid(pod);
    this.key = podKey(pod);
  }
  get affinity(): Affinity | undefined {
    return this.pod.spec.affinity;
  }
  hasAffinity(): boolean {
    const a = this.pod.spec.affinity;
    return !!(a?.podAffinity || a?.podAntiAffinity);
  }
  hasRequiredAntiAffinity(): boolean {
    return !!this.pod.spec.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.length;
  }
}

/** `protocol/hostIP/port` keys a pod holds on its node. */
export function hostPorts(pod: Pod): { protocol: string; ip: string; port: number }[] {
  const out: { protocol: string; ip: string; port: number }[] = [];
  for (const c of [...(pod.spec.initContainers ?? []), ...pod.spec.containers]) {
    for (const p of c.ports ?? []) {
      if (p.hostPort) out.push({ protocol: p.protocol ?? "TCP", ip: p.hostIP || "0.0.0.0", port: p.hostPort });
    }
  }
  return out;
}

export interface ImageState {
  size: number;
  /** Nodes in the snapshot holding the image; ImageLocality scales by its spread. */
  numNodes: number;
}

/**
 * A node with the pods on it (bound or assumed) and their sums: requested
 * resources, non-zero requests for scoring, host ports, affinity pods. The cache
 * keeps one per node and the snapshot a copy per scheduling cycle.
 */
export class NodeInfo {
  pods: PodInfo[] = [];
  podsWithAffinity: PodInfo[] = [];
  podsWithRequiredAntiAffinity: PodInfo[] = [];
  requested: Resources = {};
  nonZeroRequested: Resources = {};
  allocatable: Resources = {};
  usedPorts = new Map<string, number>();
  imageStates = new Map<string, ImageState>();
  generation = 0;

  constructor(public node?: Node) {
    if (node) this.setNode(node);
  }

  get name(): string {
    return this.node?.metadata.name ?? "";
  }

  setNode(node: Node): void {
    this.node = node;
    const alloc = node.status?.allocatable ?? node.status?.capacity ?? {};
    this.allocatable = toResources(alloc);
  }

  addPod(pi: PodInfo): void {
    this.pods.push(pi);
    if (pi.hasAffinity()) this.podsWithAffinity.push(pi);
    if (pi.hasRequiredAntiAffinity()) this.podsWithRequiredAntiAffinity.push(pi);
    addInto(this.requested, pi.requests);
    addInto(this.nonZeroRequested, pi.nonZeroRequests);
    for (const p of hostPorts(pi.pod)) {
      const k = `${p.protocol}/${p.ip}/${p.port}`;
      this.usedPorts.set(k, (this.usedPorts.get(k) ?? 0) + 1);
    }
  }

  /** Removes the pod with that uid; false when the node does not hold it. */
  removePod(uid: string): boolean {
    const i = this.pods.findIndex((p) => p.uid === uid);
    if (i < 0) return false;
    const pi = this.pods[i]!;
    this.pods.splice(i, 1);
    this.podsWithAffinity = this.podsWithAffinity.filter((p) => p.uid !== uid);
    this.podsWithRequiredAntiAffinity = this.podsWithRequiredAntiAffinity.filter((p) => p.uid !== uid);
    addInto(this.requested, pi.requests, -1);
    addInto(this.nonZeroRequested, pi.nonZeroRequests, -1);
    for (const p of hostPorts(pi.pod)) {
      const k = `${p.protocol}/${p.ip}/${p.port}`;
      const n = (this.usedPorts.get(k) ?? 1) - 1;
      if (n > 0) this.usedPorts.set(k, n);
      else this.usedPorts.delete(k);
    }
    return true;
  }

  /** Whether a host port conflicts: same protocol and port, and either IP is 0.0.0.0 or both match. */
  portInUse(protocol: string, ip: string, port: number): boolean {
    if (ip === "0.0.0.0") {
      for (const k of this.usedPorts.keys()) {
        const [proto, , p] = k.split("/");
        if (proto === protocol && Number(p) === port) return true;
      }
      return false;
    }
    return this.usedPorts.has(`${protocol}/${ip}/${port}`) || this.usedPorts.has(`${protocol}/0.0.0.0/${port}`);
  }

  clone(): NodeInfo {
    const c = new NodeInfo();
    c.node = this.node;
    c.pods = [...this.pods];
    c.podsWithAffinity = [...this.podsWithAffinity];
    c.podsWithRequiredAntiAffinity = [...this.podsWithRequiredAntiAffinity];
    c.requested = { ...this.requested };
    c.nonZeroRequested = { ...this.nonZeroRequested };
    c.allocatable = this.allocatable;
    c.usedPorts = new Map(this.usedPorts);
    c.imageStates = this.imageStates;
    c.generation = this.generation;
    return c;
  }
}
