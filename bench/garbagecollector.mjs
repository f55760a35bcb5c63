// Garbage collection and namespace deletion at scale on one `kitbash up` (control-plane profile,
// sqlite): an owner with 1,000 dependent ConfigMaps deleted with each propagation policy, and a
// namespace of 1,000 ConfigMaps deleted. Reports seconds from the delete until the last object is
// gone (or, for orphan, until the last reference is removed) and the API requests the
// controller manager issued meanwhile (apiserver_request_total from the kube-controller-manager
// user agent is not split out, so the figure is every request less the benchmark's own polls).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

export const name = "garbagecollector";
const N = 1000;

async function start(root) {
  const dir = mkdtempSync(join(tmpdir(), "kitbash-bench-gc-"));
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

export async function run({ root }) {
  const { KubeClient, Resources } = await import(pathToFileURL(join(root, "dist", "core", "client", "index.js")).href);
  const s = await start(root);
  const client = await KubeClient.fromKubeconfig(join(s.dir, "admin.kubeconfig"));
  const results = [];
  const chart = [];
  let polls = 0;
  const waitFor = async (check) => {
    for (;;) {
      polls++;
      if (await check()) return;
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const createMany = async (rc, make) => {
    for (let b = 0; b < N; b += 50) await Promise.all(Array.from({ length: 50 }, (_, i) => rc.create(make(b + i))));
  };
  try {
    await client.resource(Resources.namespaces).create({ apiVersion: "v1", kind: "Namespace", metadata: { name: "gc" } });
    const cms = client.resource(Resources.configMaps, "gc");
    // The informers must have seen the objects before the owner goes, as in a cluster at rest.
    const settle = () => new Promise((r) => setTimeout(r, 2000));
    for (const policy of ["Background", "Foreground", "Orphan"]) {
      const owner = await cms.create({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: `owner-${policy.toLowerCase()}` } });
      const ref = { apiVersion: "v1", kind: "ConfigMap", name: owner.metadata.name, uid: owner.metadata.uid, blockOwnerDeletion: true };
      await createMany(cms, (i) => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: `${policy.toLowerCase()}-${i}`, labels: { set: policy }, ownerReferences: [ref] } }));
      await settle();
      const before = await requestsTotal(client);
      polls = 0;
      const t0 = Date.now();
      await cms.delete(owner.metadata.name, { propagationPolicy: policy });
      if (policy === "Orphan") {
        await waitFor(async () => (await cms.list({ labelSelector: `set=${policy}` })).items.every((o) => !o.metadata.ownerReferences?.length));
      } else {
        await waitFor(async () => (await cms.list({ labelSelector: `set=${policy}` })).items.length === 0);
      }
      await waitFor(async () => (await cms.get(owner.metadata.name).then(() => false, () => true)));
      const seconds = +((Date.now() - t0) / 1000).toFixed(2);
      const requests = (await requestsTotal(client)) - before - 2 * polls - 1;
      results.push({ op: `${policy.toLowerCase()} delete, ${N} dependents`, seconds, controllerRequests: requests });
      chart.push({ label: `${policy.toLowerCase()} ${N} deps`, value: seconds });
    }
    await client.resource(Resources.namespaces).create({ apiVersion: "v1", kind: "Namespace", metadata: { name: "bulk" } });
    await createMany(client.resource(Resources.configMaps, "bulk"), (i) => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: `c-${i}` } }));
    await settle();
    const t0 = Date.now();
    await client.resource(Resources.namespaces).delete("bulk");
    await waitFor(async () => client.resource(Resources.namespaces).get("bulk").then(() => false, () => true));
    const seconds = +((Date.now() - t0) / 1000).toFixed(2);
    results.push({ op: `namespace delete, ${N} objects`, seconds });
    chart.push({ label: `namespace ${N} objects`, value: seconds });
  } finally {
    client.close();
    await s.stop();
    rmSync(s.dir, { recursive: true, force: true });
  }
  return { metric: "seconds until collected", results, chart };
}
