import { describe, expect, it } from "vitest";
import { CONTROLLER_UID_INDEX, Indexer, NAMESPACE_INDEX, controllerUidIndex } from "../../core/client/store.js";
import type { KubeObject } from "../../core/client/types.js";

const pod = (ns: string, name: string, controller?: string): KubeObject => ({
  metadata: { namespace: ns, name, ...(controller ? { ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "rs", uid: controller, controller: true }] } : {}) },
});

describe("Indexer", () => {
  it("keys by namespace/name and keeps the namespace index and custom indexes current", () => {
    const idx = new Indexer({ [CONTROLLER_UID_INDEX]: controllerUidIndex });
    idx.upsert(pod("a", "p1", "rs-1"));
    idx.upsert(pod("a", "p2", "rs-1"));
    idx.upsert(pod("b", "p1"));
    expect(idx.keys().sort()).toEqual(["a/p1", "a/p2", "b/p1"]);
    expect(idx.byIndex(NAMESPACE_INDEX, "a").map((o) => o.metadata.name).sort()).toEqual(["p1", "p2"]);
    expect(idx.byIndex(CONTROLLER_UID_INDEX, "rs-1")).toHaveLength(2);
    // Re-owned and removed objects leave their old index entries.
    idx.upsert(pod("a", "p2", "rs-2"));
    idx.remove("a/p1");
    expect(idx.byIndex(CONTROLLER_UID_INDEX, "rs-1")).toEqual([]);
    expect(idx.byIndex(CONTROLLER_UID_INDEX, "rs-2").map((o) => o.metadata.name)).toEqual(["p2"]);
    expect(idx.getBy("b", "p1")?.metadata.name).toBe("p1");
  });

  it("indexes existing objects when an indexer is added late; the same one twice is fine, another under its name is not", () => {
    const idx = new Indexer();
    idx.upsert(pod("a", "p1", "rs-1"));
    idx.addIndexers({ [CONTROLLER_UID_INDEX]: controllerUidIndex });
    idx.addIndexers({ [CONTROLLER_UID_INDEX]: controllerUidIndex });
    expect(idx.byIndex(CONTROLLER_UID_INDEX, "rs-1")).toHaveLength(1);
    expect(() => idx.addIndexers({ [CONTROLLER_UID_INDEX]: () => [] })).toThrow(/already exists with another function/);
    expect(() => idx.byIndex("nope", "x")).toThrow(/no indexer named nope/);
  });
});
