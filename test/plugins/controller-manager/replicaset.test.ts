import { describe, expect, it } from "vitest";
import { KubeClient, SharedInformerFactory, WorkQueue, workQueueMetrics, type KubeObject } from "../../../core/client/index.js";
import type { Transport, TransportRequest } from "../../../core/client/transport.js";
import { ControllerExpectations, deletionOrder, slowStartBatch, type Pod } from "../../../core/controller-manager/index.js";
import { replicaSetController } from "../../../plugins/controller-manager/controllers/replicaset/replicaset-controller.js";
import { replicationManager } from "../../../plugins/controller-manager/controllers/replicationcontroller/replication-manager.js";
import { FakeApi } from "../../support/fake-api.js";
import { FakeClock } from "../../support/fake-clock.js";
import { fakeControllerHandle } from "../../support/fake-controller-handle.js";

const RS_PATH = "/apis/apps/v1/namespaces/d/replicasets";
const PODS = "/api/v1/namespaces/d/pods";

const settle = async (check: () => boolean, what = "condition") => {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
};

function replicaSet(name: string, replicas: number, extra: { minReadySeconds?: number } = {}): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "ReplicaSet",
    metadata: { name, namespace: "d", generation: 1 },
    spec: { replicas, ...extra, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name, tier: "web" } }, spec: { containers: [{ name: "c", image: "a" }] } } },
  };
}

/** A transport that refuses pod creation with a quota error, as an exhausted ResourceQuota would. */
class RefusingCreates implements Transport {
  constructor(private readonly inner: FakeApi) {}
  async request(req: TransportRequest) {
    if (req.method === "POST" && req.path.includes("/pods")) {
      this.inner.requests.push(`POST ${req.path}`);
      const body = { kind: "Status", apiVersion: "v1", status: "Failure", code: 403, reason: "Forbidden", message: 'pods "x" is forbidden: exceeded quota: q' };
      return { status: 403, headers: {}, body: Buffer.from(JSON.stringify(body)) };
    }
    return this.inner.request(req);
  }
  stream(req: TransportRequest) {
    return this.inner.stream(req);
  }
  close() {}
}

/** Pod watch events arrive `ms` late, as from a busy server; everything else is immediate. */
class SlowPodWatch implements Transport {
  constructor(
    private readonly inner: FakeApi,
    private readonly ms: number,
  ) {}
  request(req: TransportRequest) {
    return this.inner.request(req);
  }
  async stream(req: TransportRequest) {
    const res = await this.inner.stream(req);
    if (!req.path.includes("/pods")) return res;
    const ms = this.ms;
    async function* late() {
      for await (const chunk of res.body) {
        await new Promise((r) => setTimeout(r, ms));
        yield chunk;
      }
    }
    return { ...res, body: late() };
  }
  close() {}
}

function start(h: ReturnType<typeof fakeControllerHandle>, which: "rs" | "rc" = "rs") {
  const controller = which === "rs" ? replicaSetController({ concurrentSyncs: 2, burstReplicas: 500 }, h) : replicationManager({ concurrentSyncs: 2, burstReplicas: 500 }, h);
  const ac = new AbortController();
  const run = controller.run(ac.signal);
  h.informers.start(ac.signal);
  return {
    controller,
    stop: async () => {
      ac.abort();
      await run;
      await h.informers.stop();
    },
  };
}

const ready = (pod: KubeObject, at: string) => ({ ...pod, status: { phase: "Running", conditions: [{ type: "Ready", status: "True", lastTransitionTime: at }] } });

describe("slowStartBatch", () => {
  it.each([
    { count: 10, failAt: undefined, succeeded: 10, calls: 10 },
    { count: 10, failAt: 1, succeeded: 0, calls: 1 },
    { count: 10, failAt: 2, succeeded: 2, calls: 3 },
    { count: 10, failAt: 4, succeeded: 6, calls: 7 },
    { count: 0, failAt: undefined, succeeded: 0, calls: 0 },
  ])("count $count failing at call $failAt: $succeeded succeed in $calls calls", async ({ count, failAt, succeeded, calls }) => {
    let n = 0;
    const result = await slowStartBatch(count, 1, async () => {
      if (++n === failAt) throw new Error("quota");
    });
    expect(result.succeeded).toBe(succeeded);
    expect(n).toBe(calls);
    expect(result.error !== undefined).toBe(failAt !== undefined);
  });
});

describe("ControllerExpectations", () => {
  it("holds a key until every expected creation and deletion is seen, counting a pod's deletion once, and lets go after five minutes", () => {
    const clock = new FakeClock();
    const e = new ControllerExpectations(clock);
    expect(e.satisfied("d/a")).toBe(true);
    e.expectCreations("d/a", 2);
    e.creationObserved("d/a");
    expect(e.satisfied("d/a")).toBe(false);
    e.creationObserved("d/a");
    expect(e.satisfied("d/a")).toBe(true);
    e.expectDeletions("d/a", ["d/p1", "d/p2"]);
    e.deletionObserved("d/a", "d/p1");
    e.deletionObserved("d/a", "d/p1");
    expect(e.pending("d/a")).toEqual({ add: 0, del: 1 });
    expect(e.satisfied("d/a")).toBe(false);
    clock.advance(5 * 60_000 + 1);
    expect(e.satisfied("d/a")).toBe(true);
  });
});

describe("deletion ranking (upstream's ActivePods order)", () => {
  const now = Date.parse("2026-01-01T01:00:00Z");
  const pod = (name: string, o: { node?: string; phase?: string; readySince?: string; restarts?: number; created?: string; cost?: number } = {}): Pod => ({
    metadata: {
      name,
      uid: `${name}-uid`,
      creationTimestamp: o.created ?? "2026-01-01T00:00:00Z",
      ...(o.cost !== undefined ? { annotations: { "controller.kubernetes.io/pod-deletion-cost": String(o.cost) } } : {}),
    },
    spec: { ...(o.node ? { nodeName: o.node } : {}) },
    status: {
      phase: o.phase ?? "Running",
      conditions: o.readySince ? [{ type: "Ready", status: "True", lastTransitionTime: o.readySince }] : [{ type: "Ready", status: "False" }],
      containerStatuses: [{ restartCount: o.restarts ?? 0 }],
    },
  });
  it.each([
    { why: "unscheduled before scheduled", first: pod("a"), second: pod("b", { node: "n" }) },
    { why: "Pending before Running", first: pod("a", { node: "n", phase: "Pending" }), second: pod("b", { node: "n" }) },
    { why: "Unknown before Running", first: pod("a", { node: "n", phase: "Unknown" }), second: pod("b", { node: "n" }) },
    { why: "not ready before ready", first: pod("a", { node: "n" }), second: pod("b", { node: "n", readySince: "2026-01-01T00:00:00Z" }) },
    { why: "lower deletion cost first", first: pod("a", { node: "n", cost: -5 }), second: pod("b", { node: "n", cost: 10 }) },
    { why: "ready more recently first", first: pod("a", { node: "n", readySince: "2026-01-01T00:59:58Z" }), second: pod("b", { node: "n", readySince: "2026-01-01T00:00:00Z" }) },
    { why: "more restarts first", first: pod("a", { node: "n", restarts: 3 }), second: pod("b", { node: "n", restarts: 0 }) },
    {
      why: "ages within one power of two are equal: uid order, here the older first",
      first: pod("a", { node: "n", created: "2026-01-01T00:00:00Z" }),
      second: pod("b", { node: "n", created: "2026-01-01T00:00:01Z" }),
    },
    { why: "created more recently first", first: pod("a", { node: "n", created: "2026-01-01T00:59:00Z" }), second: pod("b", { node: "n", created: "2026-01-01T00:00:00Z" }) },
  ])("$why", ({ first, second }) => {
    const order = deletionOrder(now);
    expect(order(first, second)).toBeLessThan(0);
    expect(order(second, first)).toBeGreaterThan(0);
    expect([second, first].sort(order).map((p) => p.metadata.name)).toEqual(["a", "b"]);
  });
  it("a pod with more siblings on its node goes first", () => {
    const a = pod("a", { node: "crowded" });
    const b = pod("b", { node: "alone" });
    expect(deletionOrder(now, (p) => (p.spec?.nodeName === "crowded" ? 3 : 1))(a, b)).toBeLessThan(0);
  });
});

describe("replicaset controller (fake API)", () => {
  it("creates the missing pods from the template with a controller reference, once each, and reports status", async () => {
    const h = fakeControllerHandle();
    const [rs] = h.api.seed(RS_PATH, replicaSet("web", 5));
    const c = start(h);
    await settle(() => (h.api.peek(`${RS_PATH}/web`)?.status as any)?.replicas === 5, "status.replicas 5");
    const pods = h.api.list(PODS);
    expect(pods).toHaveLength(5);
    for (const p of pods) {
      expect(p.metadata.name).toMatch(/^web-/);
      expect(p.metadata.labels).toEqual({ app: "web", tier: "web" });
      expect(p.metadata.ownerReferences).toEqual([{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "web", uid: rs!.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    }
    // Further syncs (status writes, pod events) made no second round of pods.
    await new Promise((r) => setTimeout(r, 50));
    expect(h.api.requests.filter((r) => r === `POST ${PODS}`)).toHaveLength(5);
    expect(h.api.peek(`${RS_PATH}/web`)?.status).toMatchObject({ replicas: 5, fullyLabeledReplicas: 5, readyReplicas: 0, availableReplicas: 0, observedGeneration: 1 });
    expect(h.events.filter((e) => e.reason === "SuccessfulCreate")).toHaveLength(5);
    await c.stop();
  });

  it("does not create again while its own creations have not reached the cache (expectations)", async () => {
    const api = new FakeApi();
    const h0 = fakeControllerHandle({ api });
    const client = new KubeClient(new SlowPodWatch(api, 150));
    const h = { ...h0, client, informers: new SharedInformerFactory(client) };
    api.seed(RS_PATH, replicaSet("web", 3));
    const c = start(h);
    // The status write after the first round makes the set sync again before any pod event arrives.
    await settle(() => api.list(PODS).length === 3 && (api.peek(`${RS_PATH}/web`)?.status as any)?.replicas === 3, "3 pods seen");
    await new Promise((r) => setTimeout(r, 200));
    expect(api.list(PODS)).toHaveLength(3);
    expect(api.requests.filter((r) => r === `PUT ${RS_PATH}/web/status`).length).toBeGreaterThan(0);
    await c.stop();
  });

  it("scales down by deleting the pods best lost: unscheduled and not ready first", async () => {
    const h = fakeControllerHandle();
    const [rs] = h.api.seed(RS_PATH, replicaSet("web", 3));
    const ref = { apiVersion: "apps/v1", kind: "ReplicaSet", name: "web", uid: rs!.metadata.uid!, controller: true };
    const base = (name: string, node?: string): KubeObject => ({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name, labels: { app: "web", tier: "web" }, ownerReferences: [ref] },
      spec: node ? { nodeName: node } : {},
    });
    h.api.seed(
      PODS,
      ready(base("keep-1", "n1"), "2026-01-01T00:00:00Z"),
      ready(base("keep-2", "n2"), "2026-01-01T00:00:00Z"),
      ready(base("keep-3", "n3"), "2026-01-01T00:00:00Z"),
      base("unscheduled"),
      { ...base("pending", "n1"), status: { phase: "Pending" } },
    );
    const c = start(h);
    await settle(() => h.api.list(PODS).length === 3, "3 pods");
    expect(
      h.api
        .list(PODS)
        .map((p) => p.metadata.name)
        .sort(),
    ).toEqual(["keep-1", "keep-2", "keep-3"]);
    await settle(() => (h.api.peek(`${RS_PATH}/web`)?.status as any)?.readyReplicas === 3, "ready 3");
    await c.stop();
  });

  it("adopts an orphan its selector matches and releases a pod whose labels no longer match", async () => {
    const h = fakeControllerHandle();
    const [rs] = h.api.seed(RS_PATH, replicaSet("web", 1));
    const ref = { apiVersion: "apps/v1", kind: "ReplicaSet", name: "web", uid: rs!.metadata.uid!, controller: true };
    h.api.seed(
      PODS,
      { apiVersion: "v1", kind: "Pod", metadata: { name: "orphan", labels: { app: "web" } }, spec: {} },
      { apiVersion: "v1", kind: "Pod", metadata: { name: "relabelled", labels: { app: "other" }, ownerReferences: [ref] }, spec: {} },
    );
    const c = start(h);
    await settle(() => !h.api.peek(`${PODS}/relabelled`)?.metadata.ownerReferences?.length && !!h.api.peek(`${PODS}/orphan`)?.metadata.ownerReferences?.length, "adopt and release");
    expect(h.api.peek(`${PODS}/orphan`)?.metadata.ownerReferences).toEqual([{ ...ref, blockOwnerDeletion: true }]);
    await settle(() => (h.api.peek(`${RS_PATH}/web`)?.status as any)?.replicas === 1, "status");
    // The adopted pod fills the one replica: nothing was created.
    expect(h.api.requests.filter((r) => r === `POST ${PODS}`)).toHaveLength(0);
    // Only fullyLabeled counts pods that carry every template label.
    expect(h.api.peek(`${RS_PATH}/web`)?.status).toMatchObject({ replicas: 1, fullyLabeledReplicas: 0 });
    await c.stop();
  });

  it("counts a ready pod available only after minReadySeconds, on the fake clock", async () => {
    const clock = new FakeClock(Date.parse("2026-01-01T00:00:00Z"));
    const h = fakeControllerHandle({ clock, api: new FakeApi([], () => clock.now()) });
    const [rs] = h.api.seed(RS_PATH, replicaSet("web", 1, { minReadySeconds: 10 }));
    const ref = { apiVersion: "apps/v1", kind: "ReplicaSet", name: "web", uid: rs!.metadata.uid!, controller: true };
    h.api.seed(PODS, ready({ apiVersion: "v1", kind: "Pod", metadata: { name: "p", labels: { app: "web", tier: "web" }, ownerReferences: [ref] }, spec: {} }, "2026-01-01T00:00:00Z"));
    const c = start(h);
    await settle(() => (h.api.peek(`${RS_PATH}/web`)?.status as any)?.readyReplicas === 1, "ready");
    expect(h.api.peek(`${RS_PATH}/web`)?.status).toMatchObject({ readyReplicas: 1, availableReplicas: 0 });
    clock.advance(11_000);
    await settle(() => (h.api.peek(`${RS_PATH}/web`)?.status as any)?.availableReplicas === 1, "available after minReadySeconds");
    await c.stop();
  });

  it("stops at the first failed batch and sets ReplicaFailure with upstream's FailedCreate reason", async () => {
    const api = new FakeApi();
    const h0 = fakeControllerHandle({ api });
    const client = new KubeClient(new RefusingCreates(api));
    // Retries wait on a clock that does not move, so the count below is of the first sync alone.
    const clock = new FakeClock();
    const h = { ...h0, client, informers: new SharedInformerFactory(client), newQueue: <T>(name: string) => new WorkQueue<T>({ name, clock, metrics: workQueueMetrics(h0.metrics) }) };
    api.seed(RS_PATH, replicaSet("web", 10));
    const c = start(h);
    await settle(() => !!(api.peek(`${RS_PATH}/web`)?.status as any)?.conditions, "ReplicaFailure");
    const cond = (api.peek(`${RS_PATH}/web`)?.status as any).conditions[0];
    expect(cond).toMatchObject({ type: "ReplicaFailure", status: "True", reason: "FailedCreate" });
    expect(cond.message).toContain("exceeded quota");
    // Slow start: each sync sends one doomed request, not ten. There are two syncs: the first, and
    // the one the status write's own update event causes (upstream's too); backoff retries wait on the clock.
    expect(api.requests.filter((r) => r.startsWith(`POST ${PODS}`)).length).toBeLessThanOrEqual(2);
    expect(h0.events.some((e) => e.reason === "FailedCreate" && e.type === "Warning")).toBe(true);
    await c.stop();
  });
});

describe("replicationcontroller (fake API)", () => {
  it("keeps the pods a map selector picks, owned by the ReplicationController", async () => {
    const h = fakeControllerHandle();
    const [rc] = h.api.seed("/api/v1/namespaces/d/replicationcontrollers", {
      apiVersion: "v1",
      kind: "ReplicationController",
      metadata: { name: "old", namespace: "d", generation: 2 },
      spec: { replicas: 2, selector: { app: "old" }, template: { metadata: { labels: { app: "old" } }, spec: { containers: [{ name: "c", image: "a" }] } } },
    });
    const c = start(h, "rc");
    await settle(() => (h.api.peek("/api/v1/namespaces/d/replicationcontrollers/old")?.status as any)?.replicas === 2, "rc status");
    expect(h.api.list(PODS).map((p) => p.metadata.ownerReferences?.[0])).toEqual(
      [0, 1].map(() => ({ apiVersion: "v1", kind: "ReplicationController", name: "old", uid: rc!.metadata.uid, controller: true, blockOwnerDeletion: true })),
    );
    expect(h.api.peek("/api/v1/namespaces/d/replicationcontrollers/old")?.status).toMatchObject({ observedGeneration: 2, fullyLabeledReplicas: 2 });
    await c.stop();
  });
});
