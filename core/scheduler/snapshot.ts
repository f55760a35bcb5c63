import { NodeInfo } from "./node-info.js";

/**
 * The nodes as one scheduling cycle sees them: copies taken from the cache at the
 * start of the cycle, so plugins read a consistent world while informers go on.
 */
export class Snapshot {
  readonly nodeInfoMap = new Map<string, NodeInfo>();
  nodeInfoList: NodeInfo[] = [];
  havePodsWithAffinityList: NodeInfo[] = [];
  havePodsWithRequiredAntiAffinityList: NodeInfo[] = [];

  get(name: string): NodeInfo | undefined {
    return this.nodeInfoMap.get(name);
  }
  numNodes(): number {
    return this.nodeInfoList.length;
  }

  /** A snapshot built straight from nodes, for plugin tests and preemption what-ifs. */
  static of(nodes: NodeInfo[]): Snapshot {
    const s = new Snapshot();
    for (const n of nodes) s.nodeInfoMap.set(n.name, n);
    s.rebuildLists();
    return s;
  }

  rebuildLists(): void {
    this.nodeInfoList = [...this.nodeInfoMap.values()].filter((n) => n.node);
    this.rebuildAffinityLists();
  }

  rebuildAffinityLists(): void {
    this.havePodsWithAffinityList = this.nodeInfoList.filter((n) => n.podsWithAffinity.length);
    this.havePodsWithRequiredAntiAffinityList = this.nodeInfoList.filter((n) => n.podsWithRequiredAntiAffinity.length);
  }
}
