import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startCluster, type Cluster } from "../../support/cluster.js";
import { KubeClient, Resources, type KubeObject } from "../../../core/client/index.js";

// No node agent runs here: the tests play the kubelet and set pod status themselves.
let cluster: Cluster;
let client: KubeClient;
const dataDir = mkdtempSync(join(tmpdir(), "kitbash-batch-"));

beforeAll(async () => {
  cluster = await startCluster(dataDir);
  client = await KubeClient.fromKubeconfig(cluster.kubeconfig);
  await client.resource(Resources.namespaces).create({ apiVersion: "v1", kind: "Namespace", metadata: { name: "batch" } });
});

afterAll(async () => {
  client?.close();
  await cluster?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

type Pod = KubeObject & { status?: { phase?: string } };
const pods = () => client.resource<Pod>(Resources.pods, "batch");
const container = [{ name: "c", image: "busybox" }];

function setPhase(name: string, phase: "Running" | "Succeeded") {
  const now = new Date().toISOString().replace(/\.\d+Z$/, "Z");
  const ready = phase === "Running" ? "True" : "False";
  return pods().patchStatus(name, "merge", { status: { phase, conditions: [{ type: "Ready", status: ready, lastTransitionTime: now }] } });
}

describe("batch and stateful workloads in kitbash up", () => {
  it("a Job of completions 3 completes when its pods succeed, and kubectl wait --for=condition=complete returns", async () => {
    const job = { apiVersion: "batch/v1", kind: "Job", metadata: { name: "pi" }, spec: { completions: 3, parallelism: 3, template: { spec: { restartPolicy: "Never", containers: container } } } };
    const created = await client.resource(Resources.jobs, "batch").create(job as KubeObject);
    const mine = async () => (await pods().list({ labelSelector: `batch.kubernetes.io/controller-uid=${created.metadata.uid}` })).items;
    const three = await until("3 pods", async () => {
      const items = await mine();
      return items.length === 3 && items;
    });
    expect(three.every((p) => p.metadata.finalizers?.includes("batch.kubernetes.io/job-tracking"))).toBe(true);
    for (const p of three) await setPhase(p.metadata.name!, "Succeeded");
    const wait = await cluster.kubectl(["wait", "-n", "batch", "--for=condition=complete", "job/pi", "--timeout=30s"]);
    expect(wait.stderr).toBe("");
    expect(wait.code).toBe(0);
    expect(wait.stdout.trim()).toBe("job.batch/pi condition met");
    const done = await client.resource<KubeObject & { status?: Record<string, unknown> }>(Resources.jobs, "batch").get("pi");
    expect(done.status).toMatchObject({ succeeded: 3 });
    expect(done.status?.active ?? 0).toBe(0);
    expect((await mine()).every((p) => !p.metadata.finalizers?.length)).toBe(true);
    // Settled: the controller does not keep rewriting a status the server trims of its zeros.
    const adds = async () => Number(/workqueue_adds_total\{name="job"\} (\d+)/.exec((await cluster.api("GET", "/metrics")).body)?.[1]);
    const before = await adds();
    await new Promise((r) => setTimeout(r, 1000));
    expect((await adds()) - before).toBeLessThan(3);
  });

  it("a CronJob makes a Job for its schedule's missed minute", async () => {
    const cj = { apiVersion: "batch/v1", kind: "CronJob", metadata: { name: "tick" }, spec: { schedule: "* * * * *", jobTemplate: { spec: { template: { spec: { restartPolicy: "Never", containers: container } } } } } };
    await client.resource(Resources.cronJobs, "batch").create(cj as KubeObject);
    // Claiming the last run was two minutes ago makes the latest minute due now, whatever the clock says.
    const last = Math.floor(Date.now() / 60_000) * 60_000 - 120_000;
    await client.resource(Resources.cronJobs, "batch").patchStatus("tick", "merge", { status: { lastScheduleTime: new Date(last).toISOString().replace(/\.\d+Z$/, "Z") } });
    const job = await until("a job of tick", async () => (await client.resource(Resources.jobs, "batch").list()).items.find((j) => j.metadata.ownerReferences?.[0]?.name === "tick"));
    expect(job.metadata.name).toMatch(/^tick-\d{8}$/);
    expect(Number(job.metadata.name!.slice(5)) * 60_000).toBeGreaterThan(last);
    expect(job.metadata.annotations?.["batch.kubernetes.io/cronjob-scheduled-timestamp"]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:00Z$/);
    const status = await until("active", async () => {
      const c = await client.resource<KubeObject & { status?: { active?: { name: string }[]; lastScheduleTime?: string } }>(Resources.cronJobs, "batch").get("tick");
      return c.status?.active?.some((a) => a.name === job.metadata.name) && c.status;
    });
    expect(Date.parse(status.lastScheduleTime!)).toBe(Number(job.metadata.name!.slice(5)) * 60_000);
  });

  it("a StatefulSet of 3 makes web-0, web-1, web-2 in order, each after the one before is Ready", async () => {
    const sts = {
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata: { name: "web" },
      spec: { replicas: 3, serviceName: "nginx", selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: container } } },
    };
    await client.resource(Resources.statefulSets, "batch").create(sts as KubeObject);
    const names = async () => (await pods().list({ labelSelector: "app=web" })).items.map((p) => p.metadata.name!).sort();
    for (const [i, name] of ["web-0", "web-1", "web-2"].entries()) {
      await until(name, async () => (await names()).includes(name));
      // The next ordinal waits for this one.
      await new Promise((r) => setTimeout(r, 300));
      expect(await names()).toEqual(["web-0", "web-1", "web-2"].slice(0, i + 1));
      const pod = await pods().get(name);
      expect((pod.spec as { hostname?: string; subdomain?: string })).toMatchObject({ hostname: name, subdomain: "nginx" });
      await setPhase(name, "Running");
    }
    const set = await until("3 ready", async () => {
      const s = await client.resource<KubeObject & { status?: Record<string, unknown> }>(Resources.statefulSets, "batch").get("web");
      return s.status?.readyReplicas === 3 && s;
    });
    expect(set.status).toMatchObject({ replicas: 3, currentReplicas: 3, updatedReplicas: 3 });
    const ks = await cluster.kubectl(["rollout", "status", "-n", "batch", "statefulset/web", "--timeout=20s"]);
    expect(ks.code).toBe(0);
  });

  it("a PodDisruptionBudget over the StatefulSet's pods gets its status, with the scale from the StatefulSet", async () => {
    const pdb = { apiVersion: "policy/v1", kind: "PodDisruptionBudget", metadata: { name: "web" }, spec: { maxUnavailable: 1, selector: { matchLabels: { app: "web" } } } };
    await client.resource(Resources.podDisruptionBudgets, "batch").create(pdb as KubeObject);
    const status = await until("pdb status", async () => {
      const p = await client.resource<KubeObject & { status?: Record<string, any> }>(Resources.podDisruptionBudgets, "batch").get("web");
      return p.status?.expectedPods !== undefined && p.status;
    });
    expect(status).toMatchObject({ expectedPods: 3, currentHealthy: 3, desiredHealthy: 2, disruptionsAllowed: 1 });
    expect(status.conditions).toEqual([expect.objectContaining({ type: "DisruptionAllowed", status: "True", reason: "SufficientPods" })]);
  });

  it("a DaemonSet makes one pod per node, pinned to it by node affinity", async () => {
    for (const name of ["dn-1", "dn-2"]) await client.resource(Resources.nodes).create({ apiVersion: "v1", kind: "Node", metadata: { name, labels: { "kubernetes.io/hostname": name } } });
    const ds = { apiVersion: "apps/v1", kind: "DaemonSet", metadata: { name: "agent" }, spec: { selector: { matchLabels: { app: "agent" } }, template: { metadata: { labels: { app: "agent" } }, spec: { containers: container } } } };
    await client.resource(Resources.daemonSets, "batch").create(ds as KubeObject);
    const nodesOf = async () =>
      (await pods().list({ labelSelector: "app=agent" })).items.map((p) => (p.spec as any).affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchFields[0].values[0]).sort();
    await until("2 daemon pods", async () => (await nodesOf()).length === 2);
    expect(await nodesOf()).toEqual(["dn-1", "dn-2"]);
    const st = await until("status", async () => {
      const d = await client.resource<KubeObject & { status?: Record<string, any> }>(Resources.daemonSets, "batch").get("agent");
      return d.status?.desiredNumberScheduled === 2 && d.status;
    });
    expect(st).toMatchObject({ currentNumberScheduled: 2, updatedNumberScheduled: 2 });
  });

  it("a finished Job with ttlSecondsAfterFinished 0 is deleted", async () => {
    const job = { apiVersion: "batch/v1", kind: "Job", metadata: { name: "short" }, spec: { ttlSecondsAfterFinished: 0, template: { spec: { restartPolicy: "Never", containers: container } } } };
    const created = await client.resource(Resources.jobs, "batch").create(job as KubeObject);
    const pod = await until("pod", async () => (await pods().list({ labelSelector: `batch.kubernetes.io/controller-uid=${created.metadata.uid}` })).items[0]);
    await setPhase(pod.metadata.name!, "Succeeded");
    await until("job gone", async () => !(await client.resource(Resources.jobs, "batch").list()).items.some((j) => j.metadata.uid === created.metadata.uid));
  });
});
