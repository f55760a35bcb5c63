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
  private positions = new Map<string, number>();

  get(name: string): NodeInfo | undefined {
    return this.nodeInfoMap.get(name);
  }
  /** The node's place in nodeInfoList, so a changed node is swapped in without a rebuild. */
  indexOf(name: string): number | undefined {
    return this.positions.get(name);
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
    this.positions = new Map(this.nodeInfoList.map((n, i) => [n.name, i]));
    this.rebuildAffinityLists();
  }

  rebuildAffinityLists(): void {
    this.havePodsWithAffinityList = this.nodeInfoList.filter((n) => n.podsWithAffinity.length);
    this.havePodsWithRequiredAntiAffinityList = this.nodeInfoList.filter((n) => n.podsWithRequiredAntiAffinity.length);
  }
}
