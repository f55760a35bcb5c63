import { afterEach, describe, expect, it } from "vitest";
import { Resources, type KubeObject, type OwnerReference } from "../../../core/client/index.js";
import { GarbageCollector } from "../../../plugins/controller-manager/controllers/garbagecollector/garbage-collector.js";
import { FakeApi } from "../../support/fake-api.js";
import { fakeControllerHandle } from "../../support/fake-controller-handle.js";

const RS = "/apis/apps/v1/namespaces/d/replicasets";
const PODS = "/api/v1/namespaces/d/pods";
const rs = (name: string, extra: Partial<KubeObject["metadata"]> = {}): KubeObject => ({ apiVersion: "apps/v1", kind: "ReplicaSet", metadata: { name, ...extra } });
const pod = (name: string, owners: OwnerReference[], extra: Partial<KubeObject["metadata"]> = {}): KubeObject => ({ apiVersion: "v1", kind: "Pod", metadata: { name, ownerReferences: owners, ...extra } });
const refTo = (o: KubeObject, block = false): OwnerReference => ({ apiVersion: "apps/v1", kind: "ReplicaSet", name: o.metadata.name!, uid: o.metadata.uid!, ...(block ? { blockOwnerDeletion: true } : {}) });

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (stops.length) await stops.pop()!();
});

/** A collector over a fake API serving ReplicaSets and Pods. */
function collector() {
  const api = new FakeApi([Resources.replicaSets, Resources.pods]);
  const h = fakeControllerHandle({ api });
  const gc = new GarbageCollector({ concurrentGCSyncs: 4, gcIgnoredResources: [], resourceRediscoveryPeriod: "1h" }, h);
  const ac = new AbortController();
  const run = gc.run(ac.signal);
  h.informers.start(ac.signal);
  stops.push(async () => {
    ac.abort();
    await run;
    await h.informers.stop();
  });
  return { api, h };
}

async function until(what: string, check: () => boolean) {
  for (let i = 0; i < 400; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("garbage collector (fake API)", () => {
  it("background: deletes dependents of an owner that is gone, with a uid precondition, and leaves others", async () => {
    const { api, h } = collector();
    const [a, b] = api.seed(RS, rs("a"), rs("b"));
    api.seed(PODS, pod("a-1", [refTo(a!)]), pod("a-2", [refTo(a!)]), pod("b-1", [refTo(b!)]), pod("free", []));
    await h.client.resource(Resources.replicaSets, "d").delete("a");
    await until("a's pods gone", () => !api.peek(`${PODS}/a-1`) && !api.peek(`${PODS}/a-2`));
    expect(api.list(PODS).map((p) => p.metadata.name).sort()).toEqual(["b-1", "free"]);
  });

  it("keeps a dependent with a standing owner, removing only the dangling reference", async () => {
    const { api, h } = collector();
    const [a, b] = api.seed(RS, rs("a"), rs("b"));
    api.seed(PODS, pod("shared", [refTo(a!), refTo(b!)]));
    await h.client.resource(Resources.replicaSets, "d").delete("a");
    await until("reference removed", () => api.peek(`${PODS}/shared`)?.metadata.ownerReferences?.length === 1);
    expect(api.peek(`${PODS}/shared`)?.metadata.ownerReferences?.[0]?.name).toBe("b");
  });

  it("foreground: the owner keeps its finalizer while a blocking dependent remains, and loses it after", async () => {
    const { api, h } = collector();
    const [a] = api.seed(RS, rs("a"));
    api.seed(PODS, pod("held", [refTo(a!, true)], { finalizers: ["example.com/hold"] }), pod("quick", [refTo(a!, true)]));
    await h.client.resource(Resources.replicaSets, "d").delete("a", { propagationPolicy: "Foreground" });
    await until("quick gone, held marked", () => !api.peek(`${PODS}/quick`) && !!api.peek(`${PODS}/held`)?.metadata.deletionTimestamp);
    await new Promise((r) => setTimeout(r, 50));
    expect(api.peek(`${RS}/a`)?.metadata.finalizers).toEqual(["foregroundDeletion"]);
    await h.client.resource(Resources.pods, "d").patch("held", "merge", { metadata: { finalizers: null } });
    await until("owner gone", () => !api.peek(`${RS}/a`));
  });

  it("orphan: dependents lose the reference, then the owner its finalizer", async () => {
    const { api, h } = collector();
    const [a] = api.seed(RS, rs("a"));
    api.seed(PODS, pod("p1", [refTo(a!)]), pod("p2", [refTo(a!)]));
    await h.client.resource(Resources.replicaSets, "d").delete("a", { propagationPolicy: "Orphan" });
    await until("owner gone", () => !api.peek(`${RS}/a`));
    for (const p of ["p1", "p2"]) expect(api.peek(`${PODS}/${p}`)?.metadata.ownerReferences).toBeUndefined();
  });

  it("a dependent whose owner never existed is deleted; one whose owner's name now has another uid too", async () => {
    const { api } = collector();
    const [a] = api.seed(RS, rs("a"));
    api.seed(PODS, pod("ghost", [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "never", uid: "u-never" }]), pod("stale", [{ ...refTo(a!), uid: "an-older-a" }]), pod("real", [refTo(a!)]));
    await until("ghost and stale gone", () => !api.peek(`${PODS}/ghost`) && !api.peek(`${PODS}/stale`));
    expect(api.peek(`${PODS}/real`)).toBeDefined();
  });
});
