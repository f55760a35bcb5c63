import { addInto, podRequests, toResources, type Resources } from "./resources.js";
import { podKey, type Node, type Pod } from "./types.js";

export interface PodInfo {
  readonly pod: Pod;
  readonly key: string;
  /** Requests as NodeResourcesFit checks them. */
  readonly requests: Resources;
  /** Requests with the scoring defaults for containers that ask for nothing. */
  readonly nonZeroRequests: Resources;
  /** Whether the pod carries pod (anti-)affinity terms, which InterPodAffinity indexes. */
  readonly hasAffinity: boolean;
}

export function podInfo(pod: Pod): PodInfo {
  const aff = pod.spec.affinity;
  return {
    pod,
    key: podKey(pod),
    requests: podRequests(pod),
    nonZeroRequests: podRequests(pod, true),
    hasAffinity: !!(aff && (aff.podAffinity || aff.podAntiAffinity)),
  };
}

/** One host port in use: protocol, IP and port, as NodePorts compares them. */
export interface HostPort {
  ip: string;
  protocol: string;
  port: number;
}

/** A node and what is already placed on it, aggregated for the Filter and Score plugins. */
export class NodeInfo {
  readonly pods = new Map<string, PodInfo>();
  requested: Resources = {};
  nonZeroRequested: Resources = {};
  usedPorts: HostPort[] = [];
  allocatable: Resources;
  /** Pods were seen on this node before the Node itself; not schedulable until it arrives. */
  placeholder = false;
  /** Bumped on every change so snapshots copy only what moved. */
  generation = 0;

  constructor(public node: Node) {
    this.allocatable = toResources(node.status?.allocatable ?? node.status?.capacity);
  }

  get name(): string {
    return this.node.metadata.name;
  }

  setNode(node: Node): void {
    this.node = node;
    this.allocatable = toResources(node.status?.allocatable ?? node.status?.capacity);
    this.generation++;
  }

  addPod(info: PodInfo): void {
    if (this.pods.has(info.key)) this.removePod(info.key);
    this.pods.set(info.key, info);
    addInto(this.requested, info.requests);
    addInto(this.nonZeroRequested, info.nonZeroRequests);
    for (const p of hostPorts(info.pod)) this.usedPorts.push(p);
    this.generation++;
  }

  removePod(key: string): boolean {
    const info = this.pods.get(key);
    if (!info) return false;
    this.pods.delete(key);
    addInto(this.requested, info.requests, -1);
    addInto(this.nonZeroRequested, info.nonZeroRequests, -1);
    const gone = hostPorts(info.pod);
    this.usedPorts = this.usedPorts.filter((u) => !gone.some((g) => g.ip === u.ip && g.port === u.port && g.protocol === u.protocol));
    this.generation++;
    return true;
  }

  clone(): NodeInfo {
    const copy = new NodeInfo(this.node);
    for (const [k, v] of this.pods) copy.pods.set(k, v);
    copy.requested = { ...this.requested };
    copy.nonZeroRequested = { ...this.nonZeroRequested };
    copy.usedPorts = [...this.usedPorts];
    copy.allocatable = { ...this.allocatable };
    copy.generation = this.generation;
    return copy;
  }
}

export function hostPorts(pod: Pod): HostPort[] {
  const out: HostPort[] = [];
  for (const c of [...(pod.spec.initContainers ?? []), ...(pod.spec.containers ?? [])]) {
    for (const p of c.ports ?? []) {
      if (!p.hostPort) continue;
      out.push({ ip: p.hostIP || "0.0.0.0", protocol: p.protocol || "TCP", port: p.hostPort });
    }
  }
  return out;
}
