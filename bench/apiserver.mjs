// API server throughput and latency per storage backend, in one run: create, get, list
// (500 objects) and update at 1, 10 and 50 concurrent clients; raw storage ops/s through
// the plugin; watch delivery latency with 1,000 watchers. Targets (sqlite, 2 cores):
// >= 2,000 creates/s, >= 10,000 gets/s, p99 < 50 ms at 50 clients, watch p99 < 100 ms.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { Agent, request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { startEtcdMember } from "./support/etcd-member.mjs";

export const name = "apiserver";
const BACKENDS = ["sqlite", "memory", "etcd3"];
/** Args per backend beyond the defaults (etcd3: the throwaway member's endpoint, set in run). */
const backendArgs = {};
const CONCURRENCY = [1, 10, 50];
const PHASE_MS = 2000;

function pct(sorted, p) {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : 0;
}

async function start(root, backend) {
  const dir = mkdtempSync(join(tmpdir(), `kitbash-bench-${backend}-`));
  const child = spawn(process.execPath, [join(root, "bin", "kitbash.js"), "up", "--profile", "control-plane", "--port", "0", "--data-dir", dir, "--set", `components.apiserver.plugins.storage.enabled[0].name=${backend}`, "--set", `components.apiserver.pluginConfig=${backendArgs[backend] ? JSON.stringify([{ name: backend, args: backendArgs[backend] }]) : "null"}`], { env: { ...process.env, KITBASH_LOG_LEVEL: "warn" }, stdio: ["ignore", "pipe", "inherit"] });
  const url = await new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      const m = /API server: (\S+)/.exec(out);
      if (m && out.includes("kubeconfig")) resolve(m[1]);
    });
    child.on("exit", (c) => reject(new Error(`kitbash up exited ${c}`)));
  });
  const pki = join(dir, "pki");
  const agent = new Agent({ keepAlive: true, maxSockets: 64, ca: readFileSync(join(pki, "ca.crt")), cert: readFileSync(join(pki, "admin.crt")), key: readFileSync(join(pki, "admin.key")) });
  const call = (method, path, body) =>
    new Promise((resolve, reject) => {
      const req = request(new URL(path, url), { method, agent, headers: { "Content-Type": "application/json" } }, (res) => {
        const chunks = [];
        res.on("data", (d) => chunks.push(d));
        res.on("end", () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString() }));
      });
      req.on("error", reject);
      req.end(body);
    });
  return { dir, child, url, agent, call, stop: () => new Promise((r) => { child.once("exit", r); child.kill("SIGTERM"); }) };
}

/** Runs `op(i)` from `clients` loops for PHASE_MS; returns ops/s and latency percentiles. */
async function phase(clients, op) {
  const lat = [];
  let n = 0;
  const end = Date.now() + PHASE_MS;
  const t0 = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      while (Date.now() < end) {
        const i = n++;
        const t = process.hrtime.bigint();
        const r = await op(i, c);
        if (r.status >= 300) throw new Error(`status ${r.status}: ${r.body.slice(0, 200)}`);
        lat.push(Number(process.hrtime.bigint() - t) / 1e6);
      }
    }),
  );
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  lat.sort((a, b) => a - b);
  return { ops: lat.length, opsPerSec: Math.round(lat.length / secs), p50Ms: +pct(lat, 50).toFixed(2), p99Ms: +pct(lat, 99).toFixed(2) };
}

async function watchLatency(s, watchers) {
  const ns = "/api/v1/namespaces/default/configmaps";
  const sent = new Map();
  const lat = [];
  const reqs = [];
  await Promise.all(
    Array.from({ length: watchers }, () =>
      new Promise((resolve) => {
        const req = request(new URL(`${ns}?watch=true&labelSelector=bench%3Dwatch`, s.url), { agent: new Agent({ keepAlive: false, ca: s.agent.options.ca, cert: s.agent.options.cert, key: s.agent.options.key }) }, (res) => {
          resolve();
          let buf = "";
          res.on("data", (d) => {
            buf += d;
            let i;
            while ((i = buf.indexOf("\n")) >= 0) {
              const line = buf.slice(0, i);
              buf = buf.slice(i + 1);
              const ev = JSON.parse(line);
              const t = sent.get(ev.object.metadata.name);
              if (t && ev.type === "ADDED") lat.push(Number(process.hrtime.bigint() - t) / 1e6);
            }
          });
        });
        req.on("error", () => resolve());
        req.end();
        reqs.push(req);
      }),
    ),
  );
  const events = 20;
  for (let i = 0; i < events; i++) {
    const name = `watched-${i}`;
    sent.set(name, process.hrtime.bigint());
    await s.call("POST", ns, JSON.stringify({ metadata: { name, labels: { bench: "watch" } } }));
    await new Promise((r) => setTimeout(r, 100));
  }
  const deadline = Date.now() + 10_000;
  while (lat.length < events * watchers && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  for (const r of reqs) r.destroy();
  lat.sort((a, b) => a - b);
  return { watchers, events, delivered: lat.length, expected: events * watchers, p50Ms: +pct(lat, 50).toFixed(2), p99Ms: +pct(lat, 99).toFixed(2) };
}

async function rawStorage(root, backend) {
  const { default: manifest } = await import(pathToFileURL(join(root, "dist", "plugins", "apiserver", "storage", backend, "index.js")).href);
  const dir = mkdtempSync(join(tmpdir(), `kitbash-raw-${backend}-`));
  const { validateAgainst } = await import(pathToFileURL(join(root, "dist", "core", "kernel", "validate-args.js")).href);
  const { silentLogger } = await import(pathToFileURL(join(root, "dist", "core", "kernel", "logging.js")).href);
  const { createRootMetrics } = await import(pathToFileURL(join(root, "dist", "core", "kernel", "metrics.js")).href);
  const args = { compactionIntervalSeconds: 0, ...backendArgs[backend] };
  validateAgainst(manifest.args, args); // the defaults a profile would give it
  const store = await manifest.create(args, { dataDir: dir, pluginDir: dir, logger: silentLogger(), metrics: createRootMetrics(), entries: () => [] });
  await store.start?.(new AbortController().signal);
  const N = 5000;
  let t = process.hrtime.bigint();
  for (let b = 0; b < N; b += 100) await Promise.all(Array.from({ length: 100 }, (_, i) => store.create(`/registry/raw/${b + i}`, '{"a":1}')));
  const createsPerSec = Math.round(N / (Number(process.hrtime.bigint() - t) / 1e9));
  t = process.hrtime.bigint();
  for (let i = 0; i < N; i++) await store.get(`/registry/raw/${i}`);
  const getsPerSec = Math.round(N / (Number(process.hrtime.bigint() - t) / 1e9));
  await store.stop?.();
  rmSync(dir, { recursive: true, force: true });
  return { createsPerSec, getsPerSec };
}

export async function run({ root }) {
  const results = [];
  const chart = [];
  // The member stops after the loop, or when this process exits on an error.
  const etcd = await startEtcdMember();
  if (etcd) backendArgs.etcd3 = { endpoints: [etcd.endpoint], prefix: "/bench" };
  else console.log("skipping the etcd3 backend: no etcd on PATH (install etcd-server)");
  for (const backend of BACKENDS.filter((b) => b !== "etcd3" || etcd)) {
    const s = await start(root, backend);
    try {
      const base = "/api/v1/namespaces/default/configmaps";
      for (const c of CONCURRENCY) {
        const prefix = `c${c}-`;
        const create = await phase(c, (i) => s.call("POST", base, JSON.stringify({ metadata: { name: `${prefix}${i}` }, data: { k: "v" } })));
        const get = await phase(c, (i) => s.call("GET", `${base}/${prefix}${i % create.ops}`));
        const update = await phase(c, (i) => s.call("PUT", `${base}/${prefix}${i % create.ops}`, JSON.stringify({ metadata: { name: `${prefix}${i % create.ops}` }, data: { k: String(i) } })));
        for (const [op, r] of [["create", create], ["get", get], ["update", update]]) {
          results.push({ backend, op, clients: c, ...r });
          chart.push({ label: `${backend} ${op} c=${c}`, value: r.opsPerSec, ...(backend === "sqlite" && op === "create" ? { target: 2000 } : backend === "sqlite" && op === "get" ? { target: 10000 } : {}) });
        }
      }
      // 500 objects in their own namespace for the list measurement.
      await s.call("POST", "/api/v1/namespaces", JSON.stringify({ metadata: { name: "listing" } }));
      for (let b = 0; b < 500; b += 50) await Promise.all(Array.from({ length: 50 }, (_, i) => s.call("POST", "/api/v1/namespaces/listing/configmaps", JSON.stringify({ metadata: { name: `l${b + i}` }, data: { k: "v" } }))));
      for (const c of CONCURRENCY) {
        const list = await phase(c, () => s.call("GET", "/api/v1/namespaces/listing/configmaps"));
        results.push({ backend, op: "list500", clients: c, ...list });
        chart.push({ label: `${backend} list500 c=${c}`, value: list.opsPerSec });
      }
      const w = await watchLatency(s, 1000);
      results.push({ backend, op: "watch", ...w, met: w.p99Ms < 100 && w.delivered === w.expected });
      chart.push({ label: `${backend} watch p99 ms`, value: w.p99Ms, target: 100 });
      const raw = await rawStorage(root, backend);
      results.push({ backend, op: "raw-storage", ...raw });
      chart.push({ label: `${backend} raw creates/s`, value: raw.createsPerSec });
      if (backend === "etcd3") {
        // What the API server costs over the store it sits on: raw ops/s through the plugin per API ops/s at 50 clients.
        const api = (op) => results.find((r) => r.backend === backend && r.op === op && r.clients === 50).opsPerSec;
        results.push({ backend, op: "overhead", createRatio: +(raw.createsPerSec / api("create")).toFixed(2), getRatio: +(raw.getsPerSec / api("get")).toFixed(2) });
      }
    } finally {
      await s.stop();
      s.agent.destroy();
      rmSync(s.dir, { recursive: true, force: true });
    }
  }
  await etcd?.stop();
  for (const r of results) {
    if (r.backend !== "sqlite") continue;
    if (r.op === "create" && r.clients === 50) r.met = r.opsPerSec >= 2000 && r.p99Ms < 50;
    if (r.op === "get" && r.clients === 50) r.met = r.opsPerSec >= 10000 && r.p99Ms < 50;
  }
  return { metric: "ops/s (watch: p99 ms)", results, chart };
}
