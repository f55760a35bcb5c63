// kwok's own CI scale run, through the API server: one `kitbash up` with the `simulated` node
// agent registering NODES Nodes (timed from the API server's first answer until every Node is
// Ready), then PODS pods created by this benchmark, scheduled by the real scheduler and reported
// Running by the simulated nodes (timed until all are Running), then all of them deleted
// gracefully (timed until none is left). kwok allows itself up to 60 s per step (20 s writing
// straight to etcd); the target here is 20 s each. Every step is bounded: past its limit it
// stops and reports how far it got.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const TARGET_S = 20;
const LIMIT_MS = 120_000;

function profileYaml(nodes) {
  return `apiVersion: kitbash.io/v1alpha1
kind: Profile
metadata: {name: bench-kwok-scale}
extends: simulated
components:
  node:
    pluginConfig:
      - name: simulated
        args:
          count: ${nodes}
          workers: 32
          # Renewing 5,000 Leases every 10 s would be 500 writes/s of background load on this
          # 2-core machine; the run is over long before a 10-minute Lease needs renewing.
          leaseDurationSeconds: 600
          template:
            labels: {topology.kubernetes.io/zone: "zone-{index%3}"}
`;
}

async function start(root, dir, nodes) {
  const profile = join(dir, "profile.yaml");
  writeFileSync(profile, profileYaml(nodes));
  const child = spawn(process.execPath, [join(root, "bin", "kitbash.js"), "up", "--profile", profile, "--port", "0", "--data-dir", join(dir, "data")], {
    env: { ...process.env, KITBASH_LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      if (out.includes("kubeconfig:")) resolve();
    });
    child.on("exit", (c) => reject(new Error(`kitbash up exited ${c}`)));
  });
  return { child, stop: () => new Promise((r) => (child.exitCode !== null ? r() : (child.once("exit", r), child.kill("SIGTERM")))) };
}

/** Resolves once `done()` holds (checked on every informer event), or after the limit. */
function waitUntil(done, informers) {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), LIMIT_MS);
    const check = () => {
      if (done()) {
        clearTimeout(timer);
        resolve(true);
      }
    };
    for (const i of informers) i.addEventHandler({ onAdd: check, onUpdate: check, onDelete: check });
    check();
  });
}

/** Runs `n` calls of `fn(i)` with at most `concurrency` in flight. */
async function pool(n, concurrency, fn) {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < n) await fn(next++).catch(() => undefined);
  }));
}

export async function kwokScale(root, nodes = 5000, pods = 10000) {
  const d = (p) => import(pathToFileURL(join(root, "dist", p)).href);
  const { KubeClient, Resources, SharedInformerFactory } = await d("core/client/index.js");
  const dir = mkdtempSync(join(tmpdir(), "kitbash-bench-kwok-"));
  const results = [];
  const t0 = Date.now();
  const s = await start(root, dir, nodes);
  const client = await KubeClient.fromKubeconfig(join(dir, "data", "admin.kubeconfig"));
  const stop = new AbortController();
  try {
    const informers = new SharedInformerFactory(client);
    const nodeInf = informers.informerFor(Resources.nodes);
    const podInf = informers.informerFor(Resources.pods, { namespace: "default" });
    // Counted as events arrive, so that checking progress costs nothing per event.
    const readyNodes = new Set();
    const running = new Set();
    const present = new Set();
    const ready = (n) => n.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True");
    const track = (set, test) => ({
      onAdd: (o) => (test(o) ? set.add(o.metadata.name) : set.delete(o.metadata.name)),
      onUpdate: (_old, o) => (test(o) ? set.add(o.metadata.name) : set.delete(o.metadata.name)),
      onDelete: (o) => set.delete(o.metadata.name),
    });
    nodeInf.addEventHandler(track(readyNodes, ready));
    podInf.addEventHandler(track(running, (p) => p.status?.phase === "Running"));
    podInf.addEventHandler(track(present, () => true));
    informers.start(stop.signal);
    const step = async (op, done, body = async () => {}) => {
      const t = Date.now();
      const [ok] = await Promise.all([waitUntil(done, [nodeInf, podInf]), body()]);
      const seconds = +((Date.now() - t) / 1000).toFixed(2);
      return { op, seconds, target: TARGET_S, met: ok && seconds < TARGET_S, ...(ok ? {} : { gaveUpAfterSeconds: LIMIT_MS / 1000 }) };
    };
    // The Nodes are created as the process starts: this step counts from its launch.
    const first = await step(`${nodes} nodes → Ready`, () => readyNodes.size >= nodes);
    first.seconds = +((Date.now() - t0) / 1000).toFixed(2);
    first.met = readyNodes.size >= nodes && first.seconds < TARGET_S;
    results.push({ ...first, reached: readyNodes.size });

    const podsApi = client.resource(Resources.pods, "default");
    const r2 = await step(`${pods} pods → Running`, () => running.size >= pods, () =>
      pool(pods, 64, (i) =>
        podsApi.create({ apiVersion: "v1", kind: "Pod", metadata: { name: `pod-${i}`, labels: { app: "kwok-scale" } }, spec: { containers: [{ name: "c", image: "registry.k8s.io/pause:3.10", resources: { requests: { cpu: "10m", memory: "16Mi" } } }] } }),
      ),
    );
    results.push({ ...r2, reached: running.size });

    const r3 = await step(`delete ${pods} pods → gone`, () => present.size === 0, () => podsApi.deleteCollection({ labelSelector: "app=kwok-scale" }));
    results.push({ ...r3, reached: pods - present.size });
  } finally {
    stop.abort();
    client.close();
    await s.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}
