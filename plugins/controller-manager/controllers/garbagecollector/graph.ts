import { parseApiVersion, type KubeObject, type OwnerReference, type ResourceRef } from "../../../../core/client/index.js";

export const FOREGROUND = "foregroundDeletion";
export const ORPHAN = "orphan";

/** One object as the collector sees it: identity, owners and where deletion of it stands. */
export interface GraphNode {
  uid: string;
  resource: ResourceRef;
  group: string;
  kind: string;
  namespace?: string;
  name: string;
  owners: OwnerReference[];
  /** deletionTimestamp set. */
  beingDeleted: boolean;
  /** Being deleted in the foreground: waits for its blocking dependents. */
  deletingDependents: boolean;
  /** Being deleted with the orphan finalizer: its dependents lose their reference to it first. */
  orphaning: boolean;
}

export function nodeOf(obj: KubeObject, resource: ResourceRef): GraphNode {
  const m = obj.metadata;
  const finalizers = m.finalizers ?? [];
  const beingDeleted = !!m.deletionTimestamp;
  return {
    uid: m.uid!,
    resource,
    group: resource.group,
    kind: resource.kind ?? obj.kind ?? "",
    ...(m.namespace ? { namespace: m.namespace } : {}),
    name: m.name!,
    owners: m.ownerReferences ?? [],
    beingDeleted,
    deletingDependents: beingDeleted && finalizers.includes(FOREGROUND),
    orphaning: beingDeleted && finalizers.includes(ORPHAN),
  };
}

/** Whether `ref` names `node` (uid first; group and kind guard against a reused uid). */
export function refersTo(ref: OwnerReference, node: GraphNode): boolean {
  return ref.uid === node.uid && ref.kind === node.kind && parseApiVersion(ref.apiVersion).group === node.group && ref.name === node.name;
}

/**
 * Upstream's uidToNode graph: every watched object by uid, and for every uid named as an owner
 * the uids naming it, whether or not that owner is known (an owner not in the graph is what the
 * collector has to verify).
 */
export class OwnerGraph {
  private readonly nodes = new Map<string, GraphNode>();
  private readonly dependents = new Map<string, Set<string>>();

  get(uid: string): GraphNode | undefined {
    return this.nodes.get(uid);
  }

  /** Answers the previous node under the uid. */
  upsert(node: GraphNode): GraphNode | undefined {
    const old = this.nodes.get(node.uid);
    if (old) this.unlinkOwners(old);
    this.nodes.set(node.uid, node);
    for (const o of node.owners) {
      let set = this.dependents.get(o.uid);
      if (!set) this.dependents.set(o.uid, (set = new Set()));
      set.add(node.uid);
    }
    return old;
  }

  remove(uid: string): GraphNode | undefined {
    const old = this.nodes.get(uid);
    if (!old) return undefined;
    this.unlinkOwners(old);
    this.nodes.delete(uid);
    return old;
  }

  /** Known objects naming `uid` as an owner. */
  dependentsOf(uid: string): GraphNode[] {
    return [...(this.dependents.get(uid) ?? [])].map((d) => this.nodes.get(d)).filter((n): n is GraphNode => !!n);
  }

  /** Dependents that hold `uid`'s foreground deletion up: their reference has blockOwnerDeletion. */
  blockingDependentsOf(uid: string): GraphNode[] {
    return this.dependentsOf(uid).filter((d) => d.owners.some((o) => o.uid === uid && o.blockOwnerDeletion));
  }

  get size(): number {
    return this.nodes.size;
  }

  private unlinkOwners(node: GraphNode): void {
    for (const o of node.owners) {
      const set = this.dependents.get(o.uid);
      set?.delete(node.uid);
      if (set && !set.size) this.dependents.delete(o.uid);
    }
  }
}
