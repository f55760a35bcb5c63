import { describe, expect, it } from "vitest";
import { Resources, type KubeObject } from "../../../core/client/index.js";
import { StatefulSetController } from "../../../plugins/controller-manager/controllers/statefulset/statefulset-controller.js";
import { runController, settle, until } from "../../support/controller-harness.js";

const SETS = "/apis/apps/v1/namespaces/d/statefulsets";
const PODS = "/api/v1/namespaces/d/pods";
const PVCS = "/api/v1/namespaces/d/persistentvolumeclaims";
const REVS = "/apis/apps/v1/namespaces/d/controllerrevisions";

function sts(spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: { name: "web", generation: 1 },
    spec: { replicas: 3, serviceName: "nginx", selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "c", image: "a" }] } }, ...spec },
  } as KubeObject;
}

function start() {
  return runController([Resources.statefulSets, Resources.pods, Resources.controllerRevisions, Resources.persistentVolumeClaims], (h) => new StatefulSetController({ concurrentSyncs: 1 }, h));
}
type Env = ReturnType<typeof start>;
type Pod = KubeObject & { spec?: any; status?: any };
const podNames = (env: Env) => env.api.list(PODS).map((p) => p.metadata.name!).sort();
const pod = (env: Env, name: string) => env.api.peek(`${PODS}/${name}`) as Pod | undefined;
const setStatus = (env: Env) => env.api.peek(`${SETS}/web`)?.status as Record<string, any> | undefined;

async function makeReady(env: Env, name: string) {
  await env.h.client.resource(Resources.pods, "d").patchStatus(name, "merge", { status: { phase: "Running", conditions: [{ type: "Ready", status: "True", lastTransitionTime: "2026-01-01T00:00:00Z" }] } });
}

/** Marks pods Ready as they appear, as a kubelet would, until `check`. */
async function readyAll(env: Env, what: string, check: () => boolean) {
  await until(what, () => {
    for (const p of env.api.list(PODS) as Pod[]) if (!p.status?.phase && !p.metadata.deletionTimestamp) void makeReady(env, p.metadata.name!);
    return check();
  });
}

describe("statefulset controller (fake API, fake clock)", () => {
  it("OrderedReady: creates web-0, waits for it to be Ready, then web-1, then web-2, with stable identity", async () => {
    const env = start();
    env.api.seed(SETS, sts());
    await until("web-0", () => podNames(env).length === 1);
    await settle();
    expect(podNames(env)).toEqual(["web-0"]);
    const p0 = pod(env, "web-0")!;
    expect(p0.spec.hostname).toBe("web-0");
    expect(p0.spec.subdomain).toBe("nginx");
    expect(p0.metadata.labels).toMatchObject({ app: "web", "statefulset.kubernetes.io/pod-name": "web-0", "apps.kubernetes.io/pod-index": "0" });
    expect(p0.metadata.labels?.["controller-revision-hash"]).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]+$/);
    await makeReady(env, "web-0");
    await until("web-1", () => podNames(env).length === 2);
    await settle();
    expect(podNames(env)).toEqual(["web-0", "web-1"]);
    await makeReady(env, "web-1");
    await until("web-2", () => podNames(env).length === 3);
    await makeReady(env, "web-2");
    await until("status", () => setStatus(env)?.readyReplicas === 3);
    expect(setStatus(env)).toMatchObject({ replicas: 3, readyReplicas: 3, availableReplicas: 3, currentReplicas: 3, updatedReplicas: 3, observedGeneration: 1 });
    expect(setStatus(env)!.currentRevision).toBe(setStatus(env)!.updateRevision);
    expect(env.api.list(REVS)).toHaveLength(1);
  });

  it("Parallel: creates every pod at once", async () => {
    const env = start();
    env.api.seed(SETS, sts({ podManagementPolicy: "Parallel", replicas: 4 }));
    await until("4 pods", () => podNames(env).length === 4);
    expect(podNames(env)).toEqual(["web-0", "web-1", "web-2", "web-3"]);
  });

  it("volumeClaimTemplates: one claim <template>-<set>-<ordinal> per pod, mounted by the pod; whenDeleted Delete makes the set own it", async () => {
    const env = start();
    env.api.seed(SETS, sts({ replicas: 2, podManagementPolicy: "Parallel", persistentVolumeClaimRetentionPolicy: { whenDeleted: "Delete" }, volumeClaimTemplates: [{ metadata: { name: "data" }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } } }] }));
    await until("claims", () => env.api.list(PVCS).length === 2);
    expect(env.api.list(PVCS).map((c) => c.metadata.name).sort()).toEqual(["data-web-0", "data-web-1"]);
    expect(env.api.list(PVCS)[0]!.metadata.ownerReferences?.[0]).toMatchObject({ kind: "StatefulSet", name: "web" });
    await until("pods", () => podNames(env).length === 2);
    expect(pod(env, "web-1")!.spec.volumes).toEqual([{ name: "data", persistentVolumeClaim: { claimName: "data-web-1" } }]);
  });

  it("RollingUpdate with partition: only ordinals ≥ partition move to the new revision, highest first", async () => {
    const env = start();
    env.api.seed(SETS, sts({ updateStrategy: { type: "RollingUpdate", rollingUpdate: { partition: 1 } } }));
    await readyAll(env, "3 ready", () => setStatus(env)?.readyReplicas === 3);
    const oldRev = setStatus(env)!.currentRevision;
    await env.h.client.resource(Resources.statefulSets, "d").patch("web", "merge", { metadata: { generation: 2 }, spec: { template: { spec: { containers: [{ name: "c", image: "b" }] } } } });
    const deletions: string[] = [];
    await readyAll(env, "rolled", () => {
      for (const r of env.api.requests) if (r.startsWith("DELETE /api/v1/namespaces/d/pods/") && !deletions.includes(r)) deletions.push(r);
      return setStatus(env)?.updatedReplicas === 2 && setStatus(env)?.readyReplicas === 3;
    });
    expect(deletions.map((d) => d.split("/").pop())).toEqual(["web-2", "web-1"]);
    expect(pod(env, "web-0")!.metadata.labels?.["controller-revision-hash"]).toBe(oldRev);
    expect(pod(env, "web-2")!.spec.containers[0].image).toBe("b");
    expect(setStatus(env)).toMatchObject({ currentRevision: oldRev, currentReplicas: 1, updatedReplicas: 2 });
    expect(env.api.list(REVS)).toHaveLength(2);
  });

  it("OnDelete: a template change replaces no pod by itself", async () => {
    const env = start();
    env.api.seed(SETS, sts({ replicas: 1, updateStrategy: { type: "OnDelete" } }));
    await readyAll(env, "ready", () => setStatus(env)?.readyReplicas === 1);
    await env.h.client.resource(Resources.statefulSets, "d").patch("web", "merge", { spec: { template: { spec: { containers: [{ name: "c", image: "b" }] } } } });
    await until("new revision", () => env.api.list(REVS).length === 2);
    await settle(60);
    expect(pod(env, "web-0")!.spec.containers[0].image).toBe("a");
    expect(setStatus(env)!.updatedReplicas).toBe(0);
  });

  it("scales down from the highest ordinal, waiting for each pod to be gone", async () => {
    const env = start();
    env.api.seed(SETS, sts());
    await readyAll(env, "3 ready", () => setStatus(env)?.readyReplicas === 3);
    // A finalizer stands in for a kubelet still stopping the pod.
    for (const n of ["web-1", "web-2"]) await env.h.client.resource(Resources.pods, "d").patch(n, "merge", { metadata: { finalizers: ["test/hold"] } });
    await env.h.client.resource(Resources.statefulSets, "d").patch("web", "merge", { spec: { replicas: 1 } });
    await until("web-2 terminating", () => !!pod(env, "web-2")?.metadata.deletionTimestamp);
    await settle();
    expect(pod(env, "web-1")?.metadata.deletionTimestamp).toBeUndefined();
    await env.h.client.resource(Resources.pods, "d").patch("web-2", "merge", { metadata: { finalizers: [] } });
    await until("web-1 terminating", () => !!pod(env, "web-1")?.metadata.deletionTimestamp);
    expect(pod(env, "web-0")?.metadata.deletionTimestamp).toBeUndefined();
  });
});
