// Workload controllers at scale on one `kitbash up` (control-plane profile, sqlite): a
// 1,000-replica Deployment from create until all its Pods exist (target < 10 s) and until it is
// available, then a rolling update of it (image A to B, default 25% surge and unavailability) to
// completion. No node agent runs, so the benchmark plays the kubelet: it watches pods and marks
// each new one Running and Ready. Reports seconds and the API requests the controller manager
// issued (the server's apiserver_request_total delta, less the benchmark's own requests, which it
// counts).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

export const name = "controllers";
const N = 1000;
const NS = "bench";

async function start(root) {
  const dir = mkdtempSync(join(tmpdir(), "kitbash-bench-controllers-"));
  const child = spawn(process.execPath, [join(root, "bin", "kitbash.js"), "up", "--profile", "control-plane", "--port", "0", "--data-dir", dir], { env: { ...process.env, KITBASH_LOG_LEVEL: "warn" }, stdio: ["ignore", "pipe", "inherit"] });
  await new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      if (out.includes("controller manager:")) resolve();
    });
    child.on("exit", (c) => reject(new Error(`kitbash up exited ${c}`)));
  });
  return { dir, child, stop: () => new Promise((r) => { child.once("exit", r); child.kill("SIGTERM"); }) };
}

async function requestsTotal(client) {
  const text = await client.transport.request({ method: "GET", path: "/metrics", headers: {} }).then((r) => r.body.toString());
  let sum = 0;
  for (const m of text.matchAll(/^apiserver_request_total\{[^}]*\} (\d+)/gm)) sum += Number(m[1]);
  return sum;
}

/** Marks every pod that appears Running and Ready, at most `concurrency` writes at a time. */
function kubelet(pods, signal, concurrency = 32) {
  const pending = [];
  let active = 0;
  const pump = () => {
    while (active < concurrency && pending.length) {
      const name = pending.shift();
      active++;
      const now = new Date().toISOString().replace(/\.\d+Z$/, "Z");
      const status = { phase: "Running", conditions: [{ type: "Ready", status: "True", lastTransitionTime: now }, { type: "ContainersReady", status: "True", lastTransitionTime: now }] };
      pods.patchStatus(name, "merge", { status }).catch(() => undefined).finally(() => {
        active--;
        pump();
      });
    }
  };
  const loop = (async () => {
    let rv = (await pods.list({ limit: 1 })).metadata.resourceVersion;
    while (!signal.aborted) {
      try {
        for await (const ev of pods.watch({ resourceVersion: rv }, signal)) {
          rv = ev.object.metadata.resourceVersion;
          const ready = ev.object.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True");
          if (ev.type === "ADDED" && !ready) {
            pending.push(ev.object.metadata.name);
            pump();
          }
        }
      } catch (err) {
        if (!signal.aborted) throw err;
      }
    }
  })();
  return loop;
}

export async function run({ root }) {
  const { KubeClient, Resources } = await import(pathToFileURL(join(root, "dist", "core", "client", "index.js")).href);
  const s = await start(root);
  const client = await KubeClient.fromKubeconfig(join(s.dir, "admin.kubeconfig"));
  let own = 0;
  client.onRequest(() => own++);
  const results = [];
  const chart = [];
  const stop = new AbortController();
  try {
    await client.resource(Resources.namespaces).create({ apiVersion: "v1", kind: "Namespace", metadata: { name: NS } });
    const pods = client.resource(Resources.pods, NS);
    const deployments = client.resource(Resources.deployments, NS);
    const kubeletLoop = kubelet(pods, stop.signal);
    const podCount = async () => (await pods.list({ labelSelector: "app=big" })).items.filter((p) => !p.metadata.deletionTimestamp).length;
    const waitFor = async (check) => {
      for (;;) {
        if (await check()) return;
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    const complete = async () => {
      const d = await deployments.get("big");
      const st = d.status ?? {};
      return st.observedGeneration >= d.metadata.generation && st.updatedReplicas === N && st.replicas === N && st.availableReplicas === N;
    };
    const phase = async (op, body, target) => {
      const before = await requestsTotal(client);
      const ownBefore = own;
      const t0 = Date.now();
      await body();
      const seconds = +((Date.now() - t0) / 1000).toFixed(2);
      // One /metrics read falls inside the window; the benchmark's own calls are counted by its client.
      const controllerRequests = (await requestsTotal(client)) - before - (own - ownBefore) - 1;
      results.push({ op, seconds, controllerRequests, ...(target !== undefined ? { target, met: seconds < target } : {}) });
      chart.push({ label: op, value: seconds, ...(target !== undefined ? { target } : {}) });
    };
    const template = (image) => ({ metadata: { labels: { app: "big" } }, spec: { containers: [{ name: "app", image }] } });
    const t0 = Date.now();
    await phase(`create → ${N} pods created`, async () => {
      await deployments.create({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "big" }, spec: { replicas: N, selector: { matchLabels: { app: "big" } }, template: template("registry.k8s.io/pause:a") } });
      await waitFor(async () => (await podCount()) >= N);
    }, 10);
    const createdAt = Date.now();
    await waitFor(complete);
    results.push({ op: `create → ${N} available (pods marked ready by the benchmark)`, seconds: +((Date.now() - t0) / 1000).toFixed(2), afterAllCreated: +((Date.now() - createdAt) / 1000).toFixed(2) });
    chart.push({ label: `create → ${N} available`, value: results.at(-1).seconds });
    await phase(`rolling update of ${N}, A → B`, async () => {
      await deployments.patch("big", "merge", { spec: { template: template("registry.k8s.io/pause:b") } });
      await waitFor(complete);
    });
    stop.abort();
    await kubeletLoop.catch(() => undefined);
  } finally {
    stop.abort();
    client.close();
    await s.stop();
    rmSync(s.dir, { recursive: true, force: true });
  }
  return { metric: "seconds", results, chart };
}
