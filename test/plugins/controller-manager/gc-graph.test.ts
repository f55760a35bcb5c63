import { describe, expect, it } from "vitest";
import { OwnerGraph, nodeOf, refersTo } from "../../../plugins/controller-manager/controllers/garbagecollector/graph.js";
import { Resources, type KubeObject, type OwnerReference } from "../../../core/client/index.js";

const rs = (name: string, uid: string, extra: Partial<KubeObject["metadata"]> = {}): KubeObject => ({ apiVersion: "apps/v1", kind: "ReplicaSet", metadata: { name, namespace: "d", uid, ...extra } });
const pod = (name: string, uid: string, owners: OwnerReference[]): KubeObject => ({ apiVersion: "v1", kind: "Pod", metadata: { name, namespace: "d", uid, ownerReferences: owners } });
const ref = (name: string, uid: string, block = false): OwnerReference => ({ apiVersion: "apps/v1", kind: "ReplicaSet", name, uid, ...(block ? { blockOwnerDeletion: true } : {}) });

describe("GC owner graph", () => {
  it("links dependents to owners, known or not, and unlinks them when owners change or objects go", () => {
    const g = new OwnerGraph();
    g.upsert(nodeOf(pod("p1", "p1", [ref("a", "A", true)]), Resources.pods));
    g.upsert(nodeOf(pod("p2", "p2", [ref("a", "A")]), Resources.pods));
    // The owner is not in the graph yet; its dependents are known anyway.
    expect(g.dependentsOf("A").map((n) => n.uid).sort()).toEqual(["p1", "p2"]);
    expect(g.blockingDependentsOf("A").map((n) => n.uid)).toEqual(["p1"]);
    g.upsert(nodeOf(pod("p2", "p2", [ref("b", "B")]), Resources.pods));
    expect(g.dependentsOf("A").map((n) => n.uid)).toEqual(["p1"]);
    expect(g.dependentsOf("B").map((n) => n.uid)).toEqual(["p2"]);
    g.remove("p1");
    expect(g.dependentsOf("A")).toEqual([]);
  });

  it("reads deletion state from deletionTimestamp and finalizers", () => {
    const fg = nodeOf(rs("a", "A", { deletionTimestamp: "2026-01-01T00:00:00Z", finalizers: ["foregroundDeletion"] }), Resources.replicaSets);
    expect([fg.beingDeleted, fg.deletingDependents, fg.orphaning]).toEqual([true, true, false]);
    const orphan = nodeOf(rs("a", "A", { deletionTimestamp: "2026-01-01T00:00:00Z", finalizers: ["orphan"] }), Resources.replicaSets);
    expect([orphan.deletingDependents, orphan.orphaning]).toEqual([false, true]);
    // A finalizer alone, without deletion, is nothing to act on.
    expect(nodeOf(rs("a", "A", { finalizers: ["orphan"] }), Resources.replicaSets).orphaning).toBe(false);
  });

  it("matches a reference by uid, group, kind and name, whatever the version", () => {
    const node = nodeOf(rs("a", "A"), Resources.replicaSets);
    expect(refersTo(ref("a", "A"), node)).toBe(true);
    expect(refersTo({ ...ref("a", "A"), apiVersion: "apps/v1beta2" }, node)).toBe(true);
    expect(refersTo({ ...ref("a", "A"), apiVersion: "extensions/v1beta1" }, node)).toBe(false);
    expect(refersTo({ ...ref("a", "A"), kind: "Deployment" }, node)).toBe(false);
  });
});
