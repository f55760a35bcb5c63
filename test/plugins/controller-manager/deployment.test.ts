import { describe, expect, it } from "vitest";
import { KubeClient, Resources, type KubeObject } from "../../../core/client/index.js";
import { DeploymentController } from "../../../plugins/controller-manager/controllers/deployment/deployment-controller.js";
import { resolveFenceposts, scaledValue } from "../../../plugins/controller-manager/controllers/deployment/replica-math.js";
import { scale } from "../../../plugins/controller-manager/controllers/deployment/scaling.js";
import type { SyncEnv } from "../../../plugins/controller-manager/controllers/deployment/sync-env.js";
import { equalIgnoringHash, templateHash } from "../../../plugins/controller-manager/controllers/deployment/template-hash.js";
import type { Deployment, ReplicaSet } from "../../../plugins/controller-manager/controllers/deployment/types.js";
import { FakeApi } from "../../support/fake-api.js";
import { FakeClock } from "../../support/fake-clock.js";
import { fakeControllerHandle } from "../../support/fake-controller-handle.js";

const D_PATH = "/apis/apps/v1/namespaces/d/deployments";
const RS_PATH = "/apis/apps/v1/namespaces/d/replicasets";

const settle = async (check: () => boolean, what: string) => {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
};
/** Lets every queued sync run: the fake API answers at once, so a short real pause is enough. */
const quiet = () => new Promise((r) => setTimeout(r, 60));

const template = (image: string) => ({ metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "c", image }] } });

function makeDeployment(o: {
  replicas: number;
  image?: string;
  strategy?: Deployment["spec"]["strategy"];
  revisionHistoryLimit?: number;
  progressDeadlineSeconds?: number;
  status?: object;
}): Deployment {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", namespace: "d", generation: 1 },
    spec: {
      replicas: o.replicas,
      selector: { matchLabels: { app: "web" } },
      template: template(o.image ?? "b"),
      strategy: o.strategy ?? { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } },
      ...(o.revisionHistoryLimit !== undefined ? { revisionHistoryLimit: o.revisionHistoryLimit } : {}),
      ...(o.progressDeadlineSeconds !== undefined ? { progressDeadlineSeconds: o.progressDeadlineSeconds } : {}),
    },
    ...(o.status ? { status: o.status } : {}),
  };
}

/** A set of `d` at `image` with `replicas` of which `available` are available (statuses stay as seeded: no ReplicaSet controller runs). */
function makeSet(d: KubeObject, name: string, image: string, o: { replicas: number; available?: number; revision: number; created?: string; annotations?: Record<string, string> }): ReplicaSet {
  const hash = name.split("-").pop()!;
  const t = template(image);
  return {
    apiVersion: "apps/v1",
    kind: "ReplicaSet",
    metadata: {
      name,
      namespace: "d",
      creationTimestamp: o.created ?? "2026-01-01T00:00:00Z",
      labels: { app: "web", "pod-template-hash": hash },
      annotations: { "deployment.kubernetes.io/revision": String(o.revision), ...o.annotations },
      ownerReferences: [{ apiVersion: "apps/v1", kind: "Deployment", name: "web", uid: d.metadata.uid!, controller: true, blockOwnerDeletion: true }],
    },
    spec: { replicas: o.replicas, selector: { matchLabels: { app: "web", "pod-template-hash": hash } }, template: { ...t, metadata: { labels: { app: "web", "pod-template-hash": hash } } } },
    status: { replicas: o.replicas, readyReplicas: o.available ?? o.replicas, availableReplicas: o.available ?? o.replicas, fullyLabeledReplicas: o.replicas },
  };
}

function start(h: ReturnType<typeof fakeControllerHandle>) {
  const controller = new DeploymentController({ concurrentSyncs: 1 }, h);
  const ac = new AbortController();
  const run = controller.run(ac.signal);
  h.informers.start(ac.signal);
  return async () => {
    ac.abort();
    await run;
    await h.informers.stop();
  };
}

const sets = (api: FakeApi) => api.list(RS_PATH) as ReplicaSet[];
const sizes = (api: FakeApi) => Object.fromEntries(sets(api).map((rs) => [rs.spec.template?.spec && (rs.spec.template.spec as any).containers[0].image, rs.spec.replicas]));

describe("maxSurge and maxUnavailable", () => {
  it.each([
    { surge: 1, unavailable: 1, replicas: 4, want: { surge: 1, unavailable: 1 } },
    { surge: "25%", unavailable: "25%", replicas: 10, want: { surge: 3, unavailable: 2 } },
    { surge: "25%", unavailable: "25%", replicas: 1, want: { surge: 1, unavailable: 0 } },
    { surge: 0, unavailable: 0, replicas: 3, want: { surge: 0, unavailable: 1 } },
    { surge: "0%", unavailable: "0%", replicas: 3, want: { surge: 0, unavailable: 1 } },
    { surge: "50%", unavailable: 0, replicas: 3, want: { surge: 2, unavailable: 0 } },
  ])("surge $surge, unavailable $unavailable of $replicas → $want", ({ surge, unavailable, replicas, want }) => {
    expect(resolveFenceposts(makeDeployment({ replicas, strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: surge, maxUnavailable: unavailable } } }))).toEqual(want);
  });
  it("refuses what is neither an integer nor a percentage", () => {
    expect(() => scaledValue("ten", 10, true)).toThrow(/must be an integer or a percentage/);
  });
});

describe("pod-template-hash", () => {
  it("is stable, vowel-free, moves with the template and the collision count, and ignores null fields", () => {
    const a = templateHash(template("a"));
    expect(a).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]+$/);
    expect(templateHash(template("a"))).toBe(a);
    expect(templateHash(template("b"))).not.toBe(a);
    expect(templateHash(template("a"), 1)).not.toBe(a);
    expect(templateHash({ ...template("a"), metadata: { labels: { app: "web" }, creationTimestamp: null } })).toBe(a);
    expect(
      equalIgnoringHash(
        { metadata: { labels: { app: "web", "pod-template-hash": "x" } }, spec: { containers: [] } },
        { metadata: { labels: { app: "web" }, creationTimestamp: null }, spec: { containers: [] } },
      ),
    ).toBe(true);
  });
});

describe("deployment controller: where a rolling update settles when pods never change (upstream's rolling tables)", () => {
  it.each([
    { why: "surge 1 / unavailable 1 of 4: one new, one old gone", replicas: 4, strategy: { maxSurge: 1, maxUnavailable: 1 }, old: { replicas: 4, available: 4 }, want: { a: 3, b: 1 } },
    { why: "no surge: only old ones go", replicas: 4, strategy: { maxSurge: 0, maxUnavailable: 1 }, old: { replicas: 4, available: 4 }, want: { a: 3, b: 0 } },
    { why: "25% / 25% of 10", replicas: 10, strategy: { maxSurge: "25%", maxUnavailable: "25%" }, old: { replicas: 10, available: 10 }, want: { a: 8, b: 3 } },
    { why: "unhealthy old replicas go first", replicas: 4, strategy: { maxSurge: 1, maxUnavailable: 1 }, old: { replicas: 4, available: 2 }, want: { a: 3, b: 1 } },
  ])("$why", async ({ replicas, strategy, old, want }) => {
    const h = fakeControllerHandle();
    const [d] = h.api.seed(D_PATH, makeDeployment({ replicas, strategy: { type: "RollingUpdate", rollingUpdate: strategy } }));
    h.api.seed(RS_PATH, makeSet(d!, "web-aaa", "a", { ...old, revision: 1 }));
    const stop = start(h);
    await settle(() => sets(h.api).length === 2, "new set");
    await quiet();
    expect(sizes(h.api)).toEqual(want);
    const fresh = sets(h.api).find((rs) => rs.metadata.name !== "web-aaa")!;
    expect(fresh.metadata.annotations).toMatchObject({ "deployment.kubernetes.io/revision": "2", "deployment.kubernetes.io/desired-replicas": String(replicas) });
    expect(h.api.peek(`${D_PATH}/web`)?.metadata.annotations?.["deployment.kubernetes.io/revision"]).toBe("2");
    expect(h.events.some((e) => e.reason === "ScalingReplicaSet" && /^Scaled (up|down) replica set web-/.test(e.note))).toBe(true);
    await stop();
  });

  it("a set whose status still counts pods it is deleting does not count them as available", async () => {
    const h = fakeControllerHandle();
    const [d] = h.api.seed(D_PATH, makeDeployment({ replicas: 8, strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } } }));
    // Old set just scaled 8 → 6, its status not yet caught up; the new set's 3 pods are available.
    const old = makeSet(d!, "web-aaa", "a", { replicas: 8, revision: 1 });
    old.spec.replicas = 6;
    const fresh = makeSet(d!, "web-bbb", "b", { replicas: 3, revision: 2, created: "2026-01-01T00:01:00Z" });
    fresh.spec.template = { ...fresh.spec.template, metadata: { labels: { app: "web", "pod-template-hash": "bbb" } } };
    h.api.seed(RS_PATH, old, fresh);
    const stop = start(h);
    await settle(() => sets(h.api).find((rs) => rs.metadata.name === "web-aaa")!.spec.replicas !== 6, "old set scaled down");
    await quiet();
    // 6 + 3 available that will stay, 6 needed: 3 may go. Counting the reported 8 would take 5.
    expect(sizes(h.api)).toEqual({ a: 3, b: 3 });
    await stop();
  });

  it("Recreate: old sets to zero, and no new set while old pods remain", async () => {
    const h = fakeControllerHandle();
    const [d] = h.api.seed(D_PATH, makeDeployment({ replicas: 3, strategy: { type: "Recreate" } }));
    h.api.seed(RS_PATH, makeSet(d!, "web-aaa", "a", { replicas: 3, revision: 1 }));
    const stop = start(h);
    await settle(() => sets(h.api)[0]?.spec.replicas === 0, "old scaled to zero");
    await quiet();
    expect(sets(h.api)).toHaveLength(1);
    // The old set's pods are gone (as its controller would report): now the new set comes, at full size.
    await h.client.resource(Resources.replicaSets, "d").patchStatus("web-aaa", "merge", { status: { replicas: 0, readyReplicas: 0, availableReplicas: 0 } });
    await settle(() => sets(h.api).length === 2, "new set");
    expect(sizes(h.api)).toEqual({ a: 0, b: 3 });
    await stop();
  });
});

describe("deployment controller: status and history", () => {
  it("reports a new rollout as progressing, then ProgressDeadlineExceeded once the deadline passes on the fake clock", async () => {
    const clock = new FakeClock(Date.parse("2026-01-01T00:00:00Z"));
    const h = fakeControllerHandle({ clock, api: new FakeApi([], () => clock.now()) });
    h.api.seed(D_PATH, makeDeployment({ replicas: 2, progressDeadlineSeconds: 10 }));
    const stop = start(h);
    const progressing = () => ((h.api.peek(`${D_PATH}/web`)?.status as any)?.conditions ?? []).find((c: any) => c.type === "Progressing");
    await settle(() => progressing()?.reason === "NewReplicaSetCreated", "NewReplicaSetCreated");
    const rsName = sets(h.api)[0]!.metadata.name;
    expect(progressing()).toMatchObject({ status: "True", message: `Created new replica set "${rsName}"` });
    const available = ((h.api.peek(`${D_PATH}/web`)?.status as any).conditions as any[]).find((c) => c.type === "Available");
    expect(available).toMatchObject({ status: "False", reason: "MinimumReplicasUnavailable", message: "Deployment does not have minimum availability." });
    await quiet();
    expect(progressing().reason).toBe("NewReplicaSetCreated");
    clock.advance(12_000);
    await settle(() => progressing()?.reason === "ProgressDeadlineExceeded", "deadline exceeded");
    expect(progressing()).toMatchObject({ status: "False", message: `ReplicaSet "${rsName}" has timed out progressing.` });
    await stop();
  });

  it("copies its new set's ReplicaFailure into its own conditions, and drops it once the set recovers", async () => {
    const h = fakeControllerHandle();
    const [d] = h.api.seed(D_PATH, makeDeployment({ replicas: 2, image: "a", progressDeadlineSeconds: 600 }));
    const rs = makeSet(d!, "web-aaa", "a", { replicas: 2, available: 0, revision: 1 });
    rs.status!.replicas = 0;
    rs.status!.conditions = [{ type: "ReplicaFailure", status: "True", reason: "FailedCreate", message: "pods is forbidden: exceeded quota", lastTransitionTime: "2026-01-01T00:00:00Z" }];
    h.api.seed(RS_PATH, rs);
    const stop = start(h);
    const failure = () => ((h.api.peek(`${D_PATH}/web`)?.status as any)?.conditions ?? []).find((c: any) => c.type === "ReplicaFailure");
    await settle(() => !!failure(), "ReplicaFailure");
    expect(failure()).toMatchObject({ status: "True", reason: "FailedCreate", message: "pods is forbidden: exceeded quota" });
    await h.client.resource(Resources.replicaSets, "d").patchStatus("web-aaa", "merge", { status: { conditions: null, replicas: 2 } });
    await settle(() => !failure(), "ReplicaFailure removed");
    await stop();
  });

  it("once complete, deletes the oldest empty sets beyond revisionHistoryLimit", async () => {
    const h = fakeControllerHandle();
    const done = { observedGeneration: 1, replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2 };
    const [d] = h.api.seed(D_PATH, makeDeployment({ replicas: 2, revisionHistoryLimit: 1, progressDeadlineSeconds: 600, status: done }));
    h.api.seed(
      RS_PATH,
      makeSet(d!, "web-r1", "a1", { replicas: 0, revision: 1 }),
      makeSet(d!, "web-r2", "a2", { replicas: 0, revision: 2 }),
      makeSet(d!, "web-r3", "a3", { replicas: 0, revision: 3 }),
      makeSet(d!, "web-r4", "b", { replicas: 2, revision: 4 }),
    );
    for (const rs of sets(h.api)) await h.client.resource(Resources.replicaSets, "d").patchStatus(rs.metadata.name!, "merge", { status: { observedGeneration: 1 } });
    const stop = start(h);
    await settle(() => sets(h.api).length === 2, "two sets left");
    expect(
      sets(h.api)
        .map((rs) => rs.metadata.name)
        .sort(),
    ).toEqual(["web-r3", "web-r4"]);
    await settle(() => ((h.api.peek(`${D_PATH}/web`)?.status as any)?.conditions ?? []).some((c: any) => c.reason === "NewReplicaSetAvailable"), "complete");
    await stop();
  });
});

describe("deployment controller: ownership", () => {
  it("adopts an orphan set its selector matches and releases its own set that no longer matches", async () => {
    const h = fakeControllerHandle();
    const [d] = h.api.seed(D_PATH, makeDeployment({ replicas: 2, image: "a" }));
    const orphan = makeSet(d!, "web-aaa", "a", { replicas: 2, revision: 1 });
    delete orphan.metadata.ownerReferences;
    const stray = makeSet(d!, "web-zzz", "z", { replicas: 0, revision: 1 });
    stray.metadata.labels = { app: "elsewhere" };
    h.api.seed(RS_PATH, orphan, stray);
    const stop = start(h);
    await settle(() => !!h.api.peek(`${RS_PATH}/web-aaa`)?.metadata.ownerReferences?.length && !h.api.peek(`${RS_PATH}/web-zzz`)?.metadata.ownerReferences?.length, "adopt and release");
    expect(h.api.peek(`${RS_PATH}/web-aaa`)?.metadata.ownerReferences).toEqual([
      { apiVersion: "apps/v1", kind: "Deployment", name: "web", uid: d!.metadata.uid, controller: true, blockOwnerDeletion: true },
    ]);
    // The adopted set has the Deployment's template: it is the new set, and no other is made.
    await quiet();
    expect(sets(h.api)).toHaveLength(2);
    await stop();
  });
});

describe("proportional scaling while rolling (upstream's scale)", () => {
  it("spreads a change of replicas over the active sets by their share of max-replicas", async () => {
    const api = new FakeApi();
    const client = new KubeClient(api);
    const env: SyncEnv = {
      replicaSets: (ns) => client.resource(Resources.replicaSets, ns),
      deployments: (ns) => client.resource(Resources.deployments, ns),
      cachedReplicaSet: () => undefined,
      podsOf: () => [],
      recorder: { event: () => {} },
      clock: new FakeClock(),
      requeueAfter: () => {},
    };
    const [d] = api.seed(D_PATH, makeDeployment({ replicas: 20, strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" } } })) as Deployment[];
    const stamped = { "deployment.kubernetes.io/desired-replicas": "10", "deployment.kubernetes.io/max-replicas": "13" };
    const [old, fresh] = api.seed(
      RS_PATH,
      makeSet(d!, "web-aaa", "a", { replicas: 8, revision: 1, annotations: stamped }),
      makeSet(d!, "web-bbb", "b", { replicas: 5, revision: 2, created: "2026-01-01T00:01:00Z", annotations: stamped }),
    ) as ReplicaSet[];
    await scale(env, d!, fresh, [old!]);
    // 20 + 25% surge = 25 allowed, 13 now: old gets round(8·25/13) − 8 = 7, new round(5·25/13) − 5 = 5.
    expect(sizes(api)).toEqual({ a: 15, b: 10 });
    for (const rs of sets(api)) expect(rs.metadata.annotations).toMatchObject({ "deployment.kubernetes.io/desired-replicas": "20", "deployment.kubernetes.io/max-replicas": "25" });
  });
});
