// API server throughput and latency per storage backend, in one run: create, get, list
// (500 objects) and update at 1, 10 and 50 concurrent clients; raw storage ops/s through
// the plugin; watch delivery latency with 1,000 watchers. Targets (sqlite, 2 cores):
// >= 2,000 creates/s, >= 10,000 gets/s, p99 < 50 ms at 50 clients, watch p99 < 100 ms.
// Load comes from a separate process per phase (bench/lib/load.mjs, HTTP/2 like client-go),
// so the server's event loop is not shared with the client's. GETs are measured again with
// h2load when it is installed: Node's HTTP/2 client spends more CPU per request than the
// server does, so on two shared cores it, not the server, sets the Node figure.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { startEtcdMember } from "./support/etcd-member.mjs";

export const name = "apiserver";
const BACKENDS = ["sqlite", "memory", "etcd3"];
/** Args per backend beyond the defaults (etcd3: the throwaway member's endpoint, set in run). */
const backendArgs = {};
const CONCURRENCY = [1, 10, 50];
const PHASE_MS = 2000;

/** h2load (Debian's nghttp2-client): a C HTTP/2 load generator that costs the shared cores a tenth of Node's client. */
const H2LOAD = spawnSync("h2load", ["--version"]).status === 0;

async function start(root, backend) {
  const dir = mkdtempSync(join(tmpdir(), `kitbash-bench-${backend}-`));
  // A bearer token for h2load, which cannot present client certificates; the Node load generator uses the admin certificate.
  const token = randomBytes(16).toString("hex");
  writeFileSync(join(dir, "bench-tokens.csv"), `${token},bench-admin,bench-admin,"system:masters"\n`);
  const plugins = [{ name: backend, args: backendArgs[backend] ?? {} }, { name: "token-file", args: { tokenAuthFile: "bench-tokens.csv" } }];
  const child = spawn(process.execPath, [join(root, "bin", "kitbash.js"), "up", "--profile", "control-plane", "--port", "0", "--data-dir", dir, "--set", "components.controller-manager.enabled=false", "--set", `components.apiserver.plugins.storage.enabled[0].name=${backend}`, "--set", "components.apiserver.plugins.authentication.enabled=[{name: x509}, {name: token-file}, {name: anonymous}]", "--set", `components.apiserver.pluginConfig=${JSON.stringify(plugins)}`], { env: { ...process.env, KITBASH_LOG_LEVEL: "warn" }, stdio: ["ignore", "pipe", "inherit"] });
  const url = await new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      const m = /API server: (\S+)/.exec(out);
      if (m && out.includes("kubeconfig")) resolve(m[1]);
    });
    child.on("exit", (c) => reject(new Error(`kitbash up exited ${c}`)));
  });
  return { dir, child, url, token, stop: () => new Promise((r) => { child.once("exit", r); child.kill("SIGTERM"); }) };
}

/**
 * CPU time the server process has used, in ms (Linux /proc; undefined elsewhere). Per
 * request it is a figure that other load on the machine disturbs far less than ops/s.
 */
function serverCpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}
const CLOCK_TICKS = 100;

/** Runs one load process (bench/lib/load.mjs) against the server and returns what it measured, with the server's CPU per request. */
async function load(s, cfg) {
  const before = serverCpuMs(s.child.pid);
  const r = await loadProcess(s, cfg);
  const after = serverCpuMs(s.child.pid);
  if (before !== undefined && after !== undefined && r.ops) r.serverCpuUsPerOp = Math.round(((after - before) * 1000) / r.ops);
  return r;
}

function loadProcess(s, cfg) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(dirname(fileURLToPath(import.meta.url)), "lib", "load.mjs"), JSON.stringify({ url: s.url, pki: join(s.dir, "pki"), ...cfg })], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`load ${JSON.stringify(cfg)} exited ${code}`))));
  });
}

/**
 * GETs of `count` objects by h2load at `clients` concurrent streams (25 per connection, as
 * client-go multiplexes), for `ms`; latency percentiles from its per-request log.
 */
async function h2loadGets(s, { clients, count, base, prefix, ms }) {
  const dir = mkdtempSync(join(tmpdir(), "kitbash-h2load-"));
  try {
    const uris = join(dir, "uris");
    writeFileSync(uris, Array.from({ length: count }, (_, i) => `${s.url}${base}/${prefix}${i}`).join("\n") + "\n");
    const conns = Math.ceil(clients / 25);
    const before = serverCpuMs(s.child.pid);
    const log = join(dir, "log");
    await new Promise((resolve, reject) => {
      const h = spawn("h2load", ["-D", String(ms / 1000), "-c", String(conns), "-m", String(Math.ceil(clients / conns)), "-t", "1", "-H", `Authorization: Bearer ${s.token}`, "-i", uris, "--log-file", log], { stdio: ["ignore", "ignore", "inherit"] });
      h.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`h2load exited ${code}`))));
    });
    const after = serverCpuMs(s.child.pid);
    const rows = readFileSync(log, "utf8").trim().split("\n").map((l) => l.split("\t").map(Number));
    const bad = rows.filter((r) => r[1] < 200 || r[1] >= 300).length;
    if (bad) throw new Error(`h2load: ${bad} of ${rows.length} GETs were not 2xx`);
    const lat = rows.map((r) => r[2] / 1000).sort((a, b) => a - b);
    const pct = (p) => +lat[Math.min(lat.length - 1, Math.floor((p / 100) * lat.length))].toFixed(2);
    return { loadGenerator: "h2load", ops: rows.length, opsPerSec: Math.round(rows.length / (ms / 1000)), p50Ms: pct(50), p99Ms: pct(99), ...(before !== undefined && after !== undefined ? { serverCpuUsPerOp: Math.round(((after - before) * 1000) / rows.length) } : {}) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
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
      await s.stop();
      rmSync(s.dir, { recursive: true, force: true });
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
