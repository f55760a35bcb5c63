// API server throughput and latency per storage backend, in one run: create, get, list
// (500 objects) and update at 1, 10 and 50 concurrent clients; raw storage ops/s through
// the plugin; watch delivery latency with 1,000 watchers. Targets (sqlite, 2 cores):
// >= 2,000 creates/s, >= 10,000 gets/s, p99 < 50 ms at 50 clients, watch p99 < 100 ms.
// Load comes from a separate process per phase (bench/lib/load.mjs, HTTP/2 like client-go),
// so the server's event loop is not shared with the client's. GETs are measured again with
// h2load when it is installed: Node's HTTP/2 client spends more CPU per request than the
// server does, so on two shared cores it, not the server, sets the Node figure.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { startEtcdMember } from "./support/etcd-member.mjs";
import { H2LOAD, h2loadGets, load, startServer, stopServer } from "./support/apiserver-harness.mjs";

export const name = "apiserver";
const BACKENDS = ["sqlite", "memory", "etcd3"];
/** Args per backend beyond the defaults (etcd3: the throwaway member's endpoint, set in run). */
const backendArgs = {};
const CONCURRENCY = [1, 10, 50];
const PHASE_MS = 2000;

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
    const s = await startServer(root, {
      label: backend,
      tokenFile: true,
      sets: [`components.apiserver.plugins.storage.enabled[0].name=${backend}`],
      pluginConfig: [{ name: backend, args: backendArgs[backend] ?? {} }],
    });
    try {
      const base = "/api/v1/namespaces/default/configmaps";
      for (const c of CONCURRENCY) {
        const prefix = `c${c}-`;
        const phase = { clients: c, durationMs: PHASE_MS, base, prefix };
        const create = await load(s, { ...phase, op: "create" });
        const get = await load(s, { ...phase, op: "get", count: create.ops });
        const update = await load(s, { ...phase, op: "update", count: create.ops });
        // HTTP/1.1 keep-alive (curl, @kubernetes/client-node) beside HTTP/2 at the top concurrency.
        const http1 = c === 50 ? [["get-http1", await load(s, { ...phase, op: "get", count: create.ops, protocol: "http1" })]] : [];
        // The same GETs from a load generator that leaves the server the cores: its capacity, not the client's.
        const h2 = H2LOAD ? [["get-h2load", await h2loadGets(s, { clients: c, count: create.ops, base, prefix, ms: PHASE_MS * 2 })]] : [];
        for (const [op, r] of [["create", create], ["get", get], ["update", update], ...http1, ...h2]) {
          results.push({ backend, op, clients: c, ...r });
          chart.push({ label: `${backend} ${op} c=${c}`, value: r.opsPerSec, ...(backend === "sqlite" && op === "create" ? { target: 2000 } : backend === "sqlite" && op.startsWith("get") && op !== "get-http1" ? { target: 10000 } : {}) });
        }
      }
      // 500 objects in their own namespace for the list measurement.
      await load(s, { op: "create", clients: 1, total: 1, base: "/api/v1/namespaces", prefix: "listing" });
      const listing = "/api/v1/namespaces/listing0/configmaps";
      await load(s, { op: "create", clients: 50, total: 500, base: listing, prefix: "l" });
      for (const c of CONCURRENCY) {
        const list = await load(s, { op: "list", clients: c, durationMs: PHASE_MS, base: listing });
        results.push({ backend, op: "list500", clients: c, ...list });
        chart.push({ label: `${backend} list500 c=${c}`, value: list.opsPerSec });
      }
      const w = await load(s, { op: "watch", watchers: 1000, events: 20, base });
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
      await stopServer(s);
    }
  }
  await etcd?.stop();
  if (!H2LOAD) console.log("no h2load on PATH (Debian: nghttp2-client): GETs measured with the Node load generator only");
  for (const r of results) {
    if (r.backend !== "sqlite") continue;
    if (r.op === "create" && r.clients === 50) r.met = r.opsPerSec >= 2000 && r.p99Ms < 50;
    if ((r.op === "get" || r.op === "get-h2load") && r.clients === 50) r.met = r.opsPerSec >= 10000 && r.p99Ms < 50;
  }
  return { metric: "ops/s (watch: p99 ms)", results, chart };
}
