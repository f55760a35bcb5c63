// What the security chains cost per request: the same API server (sqlite, no controller
// manager) under the control-plane profile (x509 + AlwaysAllow) and the hardened profile
// (x509, service-account and bootstrap tokens; Node then RBAC), side by side in one run.
// The load uses a client certificate of an ordinary user (not system:masters, which skips
// the authorizers), bound by RBAC to a role on config maps. Target: the hardened profile's
// server CPU per GET within 20% of AlwaysAllow's.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const name = "security";
const PROFILES = ["control-plane", "hardened"];
/** A-B-B-A, so a machine getting busier (or quieter) during the run favours neither profile. */
const ORDER = ["control-plane", "hardened", "hardened", "control-plane"];
const CLIENTS = 50;
const PHASE_MS = 3000;
const CLOCK_TICKS = 100;

async function start(root, profile) {
  const dir = mkdtempSync(join(tmpdir(), `kitbash-bench-${profile}-`));
  const child = spawn(process.execPath, [join(root, "bin", "kitbash.js"), "up", "--profile", profile, "--port", "0", "--data-dir", dir, "--set", "components.controller-manager.enabled=false"], { env: { ...process.env, KITBASH_LOG_LEVEL: "warn" }, stdio: ["ignore", "pipe", "inherit"] });
  const url = await new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      const m = /API server: (\S+)/.exec(out);
      if (m && out.includes("kubeconfig")) resolve(m[1]);
    });
    child.on("exit", (c) => reject(new Error(`kitbash up exited ${c}`)));
  });
  return { dir, child, url, stop: () => new Promise((r) => { child.once("exit", r); child.kill("SIGTERM"); }) };
}

function adminCall(s, method, path, body) {
  const pki = join(s.dir, "pki");
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, s.url), { method, ca: readFileSync(join(pki, "ca.crt")), cert: readFileSync(join(pki, "admin.crt")), key: readFileSync(join(pki, "admin.key")), headers: { "Content-Type": "application/json" } }, (res) => {
      let text = "";
      res.on("data", (d) => (text += d));
      res.on("end", () => ((res.statusCode ?? 0) < 300 ? resolve(text) : reject(new Error(`${method} ${path}: ${res.statusCode} ${text}`))));
    });
    req.on("error", reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/** An ordinary user's certificate, and (under RBAC) a role binding for config maps in default. */
async function prepareUser(root, s) {
  const { openClusterCa } = await import(pathToFileURL(join(root, "dist", "core", "pki", "index.js")).href);
  const pki = join(s.dir, "pki");
  const { cert, key } = await (await openClusterCa(pki)).issueClientCert({ commonName: "bench-user", organizations: ["bench"] });
  writeFileSync(join(pki, "bench.crt"), cert);
  writeFileSync(join(pki, "bench.key"), key);
  const rbac = "/apis/rbac.authorization.k8s.io/v1";
  await adminCall(s, "POST", `${rbac}/clusterroles`, { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", metadata: { name: "bench" }, rules: [{ apiGroups: [""], resources: ["configmaps"], verbs: ["*"] }] }).catch(() => undefined);
  await adminCall(s, "POST", `${rbac}/namespaces/default/rolebindings`, { apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding", metadata: { name: "bench" }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "bench" }, subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: "bench" }] }).catch(() => undefined);
  // The authorizer follows bindings through the watch cache; give it a moment.
  await new Promise((r) => setTimeout(r, 500));
}

function serverCpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

function load(s, cfg) {
  const before = serverCpuMs(s.child.pid);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(dirname(fileURLToPath(import.meta.url)), "lib", "load.mjs"), JSON.stringify({ url: s.url, pki: join(s.dir, "pki"), user: "bench", ...cfg })], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.on("exit", (code) => {
      if (code !== 0) return reject(new Error(`load ${JSON.stringify(cfg)} exited ${code}`));
      const r = JSON.parse(out);
      const after = serverCpuMs(s.child.pid);
      if (before !== undefined && after !== undefined && r.ops) r.serverCpuUsPerOp = Math.round(((after - before) * 1000) / r.ops);
      resolve(r);
    });
  });
}

export async function run({ root }) {
  const results = [];
  const chart = [];
  for (const [round, profile] of ORDER.entries()) {
    const s = await start(root, profile);
    try {
      await prepareUser(root, s);
      const phase = { clients: CLIENTS, durationMs: PHASE_MS, base: "/api/v1/namespaces/default/configmaps", prefix: `${profile}-${round}-` };
      const create = await load(s, { ...phase, op: "create" });
      const get = await load(s, { ...phase, op: "get", count: create.ops });
      for (const [op, r] of [["create", create], ["get", get]]) {
        results.push({ profile, round, op, clients: CLIENTS, ...r });
        chart.push({ label: `${profile} #${round} ${op}`, value: r.opsPerSec });
      }
    } finally {
      await s.stop();
      rmSync(s.dir, { recursive: true, force: true });
    }
  }
  const mean = (profile, op, field) => {
    const runs = results.filter((r) => r.profile === profile && r.op === op && r[field] !== undefined);
    return runs.length ? runs.reduce((a, r) => a + r[field], 0) / runs.length : undefined;
  };
  for (const op of ["create", "get"]) {
    const [allowCpu, hardenedCpu] = PROFILES.map((p) => mean(p, op, "serverCpuUsPerOp"));
    const [allowRate, hardenedRate] = PROFILES.map((p) => mean(p, op, "opsPerSec"));
    const cpu = hardenedCpu !== undefined && allowCpu ? +(((hardenedCpu - allowCpu) / allowCpu) * 100).toFixed(1) : undefined;
    const rate = +(((allowRate - hardenedRate) / allowRate) * 100).toFixed(1);
    results.push({ op: `${op}-overhead`, serverCpuUsPerOp: { alwaysAllow: Math.round(allowCpu ?? 0), hardened: Math.round(hardenedCpu ?? 0) }, serverCpuPercent: cpu, throughputLossPercent: rate, ...(op === "get" ? { met: cpu !== undefined && cpu <= 20 } : {}) });
  }
  return { metric: "ops/s", results, chart };
}
