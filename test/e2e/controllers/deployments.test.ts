import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startCluster, type Cluster } from "../../support/cluster.js";
import { KubeClient, Resources, isNotFound, type KubeObject, type ResourceClient } from "../../../core/client/index.js";

// No node agent runs here: the test plays the kubelet, marking every new pod Running and Ready.

let cluster: Cluster;
let client: KubeClient;
const dataDir = mkdtempSync(join(tmpdir(), "kitbash-deployments-"));
const NS = "rollout";
const stopMarking = new AbortController();

interface Pod extends KubeObject {
  spec: { containers: { image: string }[] };
  status?: { phase?: string; conditions?: { type: string; status: string }[] };
}

const isReady = (p: Pod) => !!p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True");

/** Watches pods of the namespace, marks each new one Running and Ready, and calls `observe` with every pod alive after each event. */
async function kubelet(pods: ResourceClient<Pod>, observe: (alive: Pod[]) => void): Promise<void> {
  const alive = new Map<string, Pod>();
  const list = await pods.list();
  for (const p of list.items) alive.set(p.metadata.name!, p);
  let rv = list.metadata.resourceVersion;
  while (!stopMarking.signal.aborted) {
    try {
      for await (const ev of pods.watch({ resourceVersion: rv }, stopMarking.signal)) {
        const p = ev.object;
        rv = p.metadata.resourceVersion;
        if (ev.type === "DELETED" || p.metadata.deletionTimestamp) alive.delete(p.metadata.name!);
        else alive.set(p.metadata.name!, p);
        observe([...alive.values()]);
        // Pods labelled `stuck` are left Pending, as on a node that never starts them.
        if (ev.type === "ADDED" && !isReady(p) && !p.metadata.labels?.stuck) {
          const now = new Date().toISOString().replace(/\.\d+Z$/, "Z");
          const status = {
            phase: "Running",
            conditions: [
              { type: "Ready", status: "True", lastTransitionTime: now },
              { type: "ContainersReady", status: "True", lastTransitionTime: now },
            ],
          };
          pods.patchStatus(p.metadata.name!, "merge", { status }).catch((err) => {
            if (!isNotFound(err)) throw err;
          });
        }
      }
    } catch (err) {
      if (!stopMarking.signal.aborted) throw err;
    }
  }
}

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function deployment(name: string, image: string, replicas: number): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace: NS },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "web", image }] } },
    },
  };
}

let pods: ResourceClient<Pod>;
let deployments: ResourceClient;
let replicaSets: ResourceClient;
let watching: Promise<void>;
const bounds = { maxAlive: 0, minReadyAfterStart: Infinity, tracking: false, app: "" };
const kubeletObservers = new Set<(alive: Pod[]) => void>();

beforeAll(async () => {
  cluster = await startCluster(dataDir);
  client = await KubeClient.fromKubeconfig(cluster.kubeconfig);
  await client.resource(Resources.namespaces).create({ apiVersion: "v1", kind: "Namespace", metadata: { name: NS } });
  pods = client.resource<Pod>(Resources.pods, NS);
  deployments = client.resource(Resources.deployments, NS);
  replicaSets = client.resource(Resources.replicaSets, NS);
  watching = kubelet(pods, (alive) => {
    for (const o of kubeletObservers) o(alive);
    if (!bounds.tracking) return;
    const mine = alive.filter((p) => p.metadata.labels?.app === bounds.app);
    bounds.maxAlive = Math.max(bounds.maxAlive, mine.length);
    bounds.minReadyAfterStart = Math.min(bounds.minReadyAfterStart, mine.filter(isReady).length);
  });
}, 60_000);

afterAll(async () => {
  stopMarking.abort();
  await watching?.catch(() => undefined);
  client?.close();
  await cluster?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const images = async (app: string) => (await pods.list({ labelSelector: `app=${app}` })).items.filter((p) => !p.metadata.deletionTimestamp).map((p) => p.spec.containers[0]!.image);

describe("Deployment rolling update", () => {
  it("rolls A to B within maxSurge and maxUnavailable, pod by pod; rollout status succeeds; undo restores A", async () => {
    // 30% surge rounds up to 3 of 8, 30% unavailable down to 2.
    const replicas = 8;
    const [surge, unavailable] = [3, 2];
    const web = deployment("web", "registry.k8s.io/pause:a", replicas);
    (web.spec as any).strategy = { type: "RollingUpdate", rollingUpdate: { maxSurge: "30%", maxUnavailable: "30%" } };
    await deployments.create(web);
    const status = await cluster.kubectl(["-n", NS, "rollout", "status", "deployment/web", "--timeout=60s"]);
    expect(status.stderr).toBe("");
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('deployment "web" successfully rolled out');
    expect(await images("web")).toEqual(Array(replicas).fill("registry.k8s.io/pause:a"));

    bounds.app = "web";
    bounds.tracking = true;
    const set = await cluster.kubectl(["-n", NS, "set", "image", "deployment/web", "web=registry.k8s.io/pause:b"]);
    expect(set.code).toBe(0);
    const rolled = await cluster.kubectl(["-n", NS, "rollout", "status", "deployment/web", "--timeout=60s"]);
    expect(rolled.code).toBe(0);
    expect(rolled.stdout).toContain('deployment "web" successfully rolled out');
    bounds.tracking = false;
    expect(await images("web")).toEqual(Array(replicas).fill("registry.k8s.io/pause:b"));
    expect(bounds.maxAlive).toBeLessThanOrEqual(replicas + surge);
    expect(bounds.maxAlive).toBeGreaterThan(0);
    expect(bounds.minReadyAfterStart).toBeGreaterThanOrEqual(replicas - unavailable);

    const d = await deployments.get("web");
    expect(d.metadata.annotations?.["deployment.kubernetes.io/revision"]).toBe("2");
    expect(d.status).toMatchObject({ replicas, updatedReplicas: replicas, readyReplicas: replicas, availableReplicas: replicas, observedGeneration: d.metadata.generation });
    const progressing = (d.status as any).conditions.find((c: any) => c.type === "Progressing");
    expect(progressing).toMatchObject({ status: "True", reason: "NewReplicaSetAvailable" });
    expect((d.status as any).conditions.find((c: any) => c.type === "Available")).toMatchObject({
      status: "True",
      reason: "MinimumReplicasAvailable",
      message: "Deployment has minimum availability.",
    });
    const sets = (await replicaSets.list()).items.filter((rs) => rs.metadata.name!.startsWith("web-"));
    expect(sets).toHaveLength(2);
    for (const rs of sets) {
      const hash = rs.metadata.labels?.["pod-template-hash"];
      expect(rs.metadata.name).toBe(`web-${hash}`);
      expect((rs.spec as any).selector.matchLabels).toEqual({ app: "web", "pod-template-hash": hash });
    }

    // kubectl finds the new and old sets itself, comparing templates as the controller does.
    const describe = await cluster.kubectl(["-n", NS, "describe", "deployment/web"]);
    expect(describe.code).toBe(0);
    const newSet = sets.find((rs) => (rs.spec as any).template.spec.containers[0].image === "registry.k8s.io/pause:b")!;
    expect(describe.stdout).toMatch(new RegExp(`NewReplicaSet:\\s+${newSet.metadata.name} \\(${replicas}/${replicas} replicas created\\)`));
    expect(describe.stdout).toMatch(new RegExp(`ScalingReplicaSet\\s.*Scaled up replica set web-\\w+ from 0 to ${surge}`));
    const revision2 = await cluster.kubectl(["-n", NS, "rollout", "history", "deployment/web", "--revision=2"]);
    expect(revision2.stdout).toContain("registry.k8s.io/pause:b");
    const history = await cluster.kubectl(["-n", NS, "rollout", "history", "deployment/web"]);
    expect(history.code).toBe(0);
    expect(history.stdout).toMatch(/^1\s/m);
    expect(history.stdout).toMatch(/^2\s/m);

    bounds.maxAlive = 0;
    bounds.minReadyAfterStart = Infinity;
    bounds.tracking = true;
    const undo = await cluster.kubectl(["-n", NS, "rollout", "undo", "deployment/web"]);
    expect(undo.stderr).toBe("");
    expect(undo.stdout).toContain("deployment.apps/web rolled back");
    const back = await cluster.kubectl(["-n", NS, "rollout", "status", "deployment/web", "--timeout=60s"]);
    expect(back.code).toBe(0);
    bounds.tracking = false;
    await until("only A pods", async () => (await images("web")).every((i) => i === "registry.k8s.io/pause:a") && (await images("web")).length === replicas);
    expect(bounds.maxAlive).toBeLessThanOrEqual(replicas + surge);
    expect(bounds.minReadyAfterStart).toBeGreaterThanOrEqual(replicas - unavailable);
    // The first set came back as revision 3, its earlier revision kept in its history.
    const after = await deployments.get("web");
    expect(after.metadata.annotations?.["deployment.kubernetes.io/revision"]).toBe("3");
    const revived = (await replicaSets.list()).items.find((rs) => rs.metadata.annotations?.["deployment.kubernetes.io/revision"] === "3")!;
    expect(revived.metadata.annotations, JSON.stringify((await replicaSets.list()).items.map((r) => r.metadata.annotations))).toMatchObject({ "deployment.kubernetes.io/revision-history": "1" });
  }, 180_000);

  it("scales while paused, rolls nothing until resumed, and says so in Progressing", async () => {
    await deployments.create(deployment("paused", "registry.k8s.io/pause:a", 2));
    expect((await cluster.kubectl(["-n", NS, "rollout", "status", "deployment/paused", "--timeout=60s"])).code).toBe(0);
    expect((await cluster.kubectl(["-n", NS, "rollout", "pause", "deployment/paused"])).code).toBe(0);
    await until("paused condition", async () => ((await deployments.get("paused")).status as any)?.conditions?.some((c: any) => c.reason === "DeploymentPaused"));
    expect((await cluster.kubectl(["-n", NS, "set", "image", "deployment/paused", "web=registry.k8s.io/pause:b"])).code).toBe(0);
    expect((await cluster.kubectl(["-n", NS, "scale", "deployment/paused", "--replicas=3"])).code).toBe(0);
    await until("3 pods of A", async () => {
      const i = await images("paused");
      return i.length === 3 && i.every((x) => x === "registry.k8s.io/pause:a");
    });
    expect((await replicaSets.list()).items.filter((rs) => rs.metadata.name!.startsWith("paused-"))).toHaveLength(1);
    expect((await cluster.kubectl(["-n", NS, "rollout", "resume", "deployment/paused"])).code).toBe(0);
    expect((await cluster.kubectl(["-n", NS, "rollout", "status", "deployment/paused", "--timeout=60s"])).code).toBe(0);
    await until("3 pods of B", async () => {
      const i = await images("paused");
      return i.length === 3 && i.every((x) => x === "registry.k8s.io/pause:b");
    });
  }, 120_000);
});

describe("Deployment progress deadline", () => {
  it("kubectl rollout status fails once progressDeadlineSeconds pass without progress", async () => {
    const d = deployment("stuck", "registry.k8s.io/pause:a", 2);
    (d.spec as any).progressDeadlineSeconds = 2;
    (d.spec as any).template.metadata.labels.stuck = "yes";
    await deployments.create(d);
    const status = await cluster.kubectl(["-n", NS, "rollout", "status", "deployment/stuck", "--timeout=30s"]);
    expect(status.code).not.toBe(0);
    expect(status.stderr).toContain('deployment "stuck" exceeded its progress deadline');
    const progressing = ((await deployments.get("stuck")).status as any).conditions.find((c: any) => c.type === "Progressing");
    expect(progressing).toMatchObject({ status: "False", reason: "ProgressDeadlineExceeded" });
    expect(progressing.message).toMatch(/^ReplicaSet "stuck-\w+" has timed out progressing\.$/);
  }, 60_000);
});

describe("Deployment Recreate", () => {
  it("never runs old and new pods at once", async () => {
    const d = deployment("recreate", "registry.k8s.io/pause:a", 3);
    (d.spec as any).strategy = { type: "Recreate" };
    await deployments.create(d);
    expect((await cluster.kubectl(["-n", NS, "rollout", "status", "deployment/recreate", "--timeout=60s"])).code).toBe(0);
    let mixed = 0;
    let sawB = 0;
    const observer = (alive: Pod[]) => {
      const imgs = new Set(alive.filter((p) => p.metadata.labels?.app === "recreate").map((p) => p.spec.containers[0]!.image));
      if (imgs.size > 1) mixed++;
      if (imgs.has("registry.k8s.io/pause:b")) sawB++;
    };
    kubeletObservers.add(observer);
    expect((await cluster.kubectl(["-n", NS, "set", "image", "deployment/recreate", "web=registry.k8s.io/pause:b"])).code).toBe(0);
    expect((await cluster.kubectl(["-n", NS, "rollout", "status", "deployment/recreate", "--timeout=60s"])).code).toBe(0);
    kubeletObservers.delete(observer);
    expect(await images("recreate")).toEqual(Array(3).fill("registry.k8s.io/pause:b"));
    expect(sawB).toBeGreaterThan(0);
    expect(mixed).toBe(0);
  }, 60_000);
});

describe("ReplicaSets and ReplicationControllers", () => {
  const podSpec = { containers: [{ name: "c", image: "registry.k8s.io/pause:a" }] };
  it("kubectl scale moves the pod count both ways, and status follows", async () => {
    await replicaSets.create({
      apiVersion: "apps/v1",
      kind: "ReplicaSet",
      metadata: { name: "plain" },
      spec: { replicas: 3, selector: { matchLabels: { app: "plain" } }, template: { metadata: { labels: { app: "plain" } }, spec: podSpec } },
    });
    await until("3 ready", async () => ((await replicaSets.get("plain")).status as any)?.readyReplicas === 3);
    expect((await replicaSets.get("plain")).status).toMatchObject({ replicas: 3, fullyLabeledReplicas: 3, readyReplicas: 3, availableReplicas: 3, observedGeneration: 1 });
    expect((await cluster.kubectl(["-n", NS, "scale", "rs/plain", "--replicas=1"])).code).toBe(0);
    await until("1 pod", async () => (await images("plain")).length === 1);
    await until("status 1", async () => ((await replicaSets.get("plain")).status as any)?.replicas === 1);
    expect((await replicaSets.get("plain")).status).toMatchObject({ observedGeneration: 2 });

    const rcs = client.resource(Resources.replicationControllers, NS);
    await rcs.create({ apiVersion: "v1", kind: "ReplicationController", metadata: { name: "legacy" }, spec: { replicas: 2, template: { metadata: { labels: { app: "legacy" } }, spec: podSpec } } });
    await until("2 rc pods", async () => (await images("legacy")).length === 2);
    const owners = (await pods.list({ labelSelector: "app=legacy" })).items.map((p) => p.metadata.ownerReferences?.[0]?.kind);
    expect(owners).toEqual(["ReplicationController", "ReplicationController"]);
    expect((await cluster.kubectl(["-n", NS, "scale", "rc/legacy", "--replicas=4"])).code).toBe(0);
    await until("4 rc pods ready", async () => ((await rcs.get("legacy")).status as any)?.readyReplicas === 4);
    const get = await cluster.kubectl(["-n", NS, "get", "rc/legacy", "rs/plain"]);
    expect(get.stdout, get.stdout).toMatch(/^replicationcontroller\/legacy\s+4\s+4\s+4\s/m);
    expect(get.stdout).toMatch(/^replicaset.apps\/plain\s+1\s+1\s+1\s/m);
  }, 60_000);
});

describe("deleting a Deployment", () => {
  const setsOf = async (app: string) => (await replicaSets.list()).items.filter((rs) => rs.metadata.labels?.app === app);

  it("background: its ReplicaSets and Pods go too", async () => {
    await deployments.create(deployment("bg", "registry.k8s.io/pause:a", 3));
    await until("3 pods", async () => (await images("bg")).length === 3);
    const del = await cluster.kubectl(["-n", NS, "delete", "deployment", "bg"]);
    expect(del.code).toBe(0);
    await until("sets and pods gone", async () => (await setsOf("bg")).length === 0 && (await images("bg")).length === 0);
  }, 60_000);

  it("--cascade=orphan: the ReplicaSet stays, with no owner", async () => {
    await deployments.create(deployment("orphans", "registry.k8s.io/pause:a", 2));
    await until("2 pods", async () => (await images("orphans")).length === 2);
    const del = await cluster.kubectl(["-n", NS, "delete", "deployment", "orphans", "--cascade=orphan"]);
    expect(del.code).toBe(0);
    await until("deployment gone", async () =>
      deployments.get("orphans").then(
        () => false,
        (err) => isNotFound(err),
      ),
    );
    const sets = await until("released set", async () => {
      const s = await setsOf("orphans");
      return s.length === 1 && !s[0]!.metadata.ownerReferences?.length && s;
    });
    expect(sets[0]!.spec).toMatchObject({ replicas: 2 });
    expect(await images("orphans")).toHaveLength(2);
  }, 60_000);

  it("foreground: the Deployment stays until its dependents are gone", async () => {
    await deployments.create(deployment("fg", "registry.k8s.io/pause:a", 2));
    await until("2 pods", async () => (await images("fg")).length === 2);
    // A finalizer on one pod holds the chain: pod, then its ReplicaSet, then the Deployment.
    const [held] = (await pods.list({ labelSelector: "app=fg" })).items;
    await pods.patch(held!.metadata.name!, "merge", { metadata: { finalizers: ["example.com/hold"] } });
    const del = await cluster.kubectl(["-n", NS, "delete", "deployment", "fg", "--cascade=foreground", "--wait=false"]);
    expect(del.code).toBe(0);
    await until("other pod gone", async () => (await pods.list({ labelSelector: "app=fg" })).items.length === 1);
    const d = await deployments.get("fg");
    expect(d.metadata.deletionTimestamp).toBeTruthy();
    expect(d.metadata.finalizers).toContain("foregroundDeletion");
    expect(await setsOf("fg")).toHaveLength(1);
    await pods.patch(held!.metadata.name!, "merge", { metadata: { finalizers: null } });
    await until("deployment gone", async () =>
      deployments.get("fg").then(
        () => false,
        (err) => isNotFound(err),
      ),
    );
    expect(await setsOf("fg")).toHaveLength(0);
    expect((await pods.list({ labelSelector: "app=fg" })).items).toHaveLength(0);
  }, 60_000);
});
