// What the admission chain and auditing cost per request: the API server (sqlite, no
// controller manager) with no admission plugins, with the base profile's default chain,
// and with that chain plus an audit log at Metadata for every request; creates and gets
// of config maps at 50 concurrent clients, with the server's CPU time per request (the
// figure a busy machine disturbs least). Load comes from bench/lib/load.mjs in its own process.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const name = "admission";
const PHASE_MS = 3000;
const CLIENTS = 50;

const VARIANTS = {
  "no admission": "    plugins:\n      admission:\n        disabled: [{name: \"*\"}]\n",
  "default chain": "    enabled: true\n",
  "default chain + audit log": [
    "    config:",
    "      auditPolicy: {apiVersion: audit.k8s.io/v1, kind: Policy, rules: [{level: Metadata}]}",
    "    plugins:",
    "      audit:",
    "        enabled: [{name: audit-log}]",
    "",
  ].join("\n"),
};

function profile(variant) {
  return `apiVersion: kitbash.io/v1alpha1\nkind: Profile\nmetadata: {name: bench-admission}\nextends: control-plane\ncomponents:\n  controller-manager:\n    enabled: false\n  apiserver:\n${VARIANTS[variant]}`;
}

async function start(root, variant) {
  const dir = mkdtempSync(join(tmpdir(), "kitbash-bench-admission-"));
  const file = join(dir, "profile.yaml");
  writeFileSync(file, profile(variant));
  const child = spawn(process.execPath, [join(root, "bin", "kitbash.js"), "up", "--profile", file, "--port", "0", "--data-dir", join(dir, "data")], { env: { ...process.env, KITBASH_LOG_LEVEL: "warn" }, stdio: ["ignore", "pipe", "inherit"] });
  const url = await new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      const m = /API server: (\S+)/.exec(out);
      if (m && out.includes("kubeconfig")) resolve(m[1]);
    });
    child.on("exit", (c) => reject(new Error(`kitbash up exited ${c}`)));
  });
  return { dir, child, url, pki: join(dir, "data", "pki"), stop: () => new Promise((r) => { child.once("exit", r); child.kill("SIGTERM"); }) };
}

function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

function load(s, cfg) {
  const before = cpuMs(s.child.pid);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(dirname(fileURLToPath(import.meta.url)), "lib", "load.mjs"), JSON.stringify({ url: s.url, pki: s.pki, ...cfg })], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.on("exit", (code) => {
      if (code !== 0) return reject(new Error(`load ${JSON.stringify(cfg)} exited ${code}`));
      const r = JSON.parse(out);
      r.serverCpuUsPerOp = Math.round(((cpuMs(s.child.pid) - before) * 1000) / r.ops);
      resolve(r);
    });
  });
}

export async function run({ root }) {
  const results = [];
  const chart = [];
  for (const variant of Object.keys(VARIANTS)) {
    const s = await start(root, variant);
    try {
      const phase = { clients: CLIENTS, durationMs: PHASE_MS, base: "/api/v1/namespaces/default/configmaps", prefix: "b-" };
      const create = await load(s, { ...phase, op: "create" });
      const get = await load(s, { ...phase, op: "get", count: create.ops });
      for (const [op, r] of [["create", create], ["get", get]]) {
        results.push({ variant, op, clients: CLIENTS, opsPerSec: r.opsPerSec, p99Ms: r.p99Ms, serverCpuUsPerOp: r.serverCpuUsPerOp });
        chart.push({ label: `${variant} ${op}`, value: r.opsPerSec });
      }
    } finally {
      await s.stop();
      rmSync(s.dir, { recursive: true, force: true });
    }
  }
  // Overhead against no admission, by server CPU per request.
  const cpu = (variant, op) => results.find((r) => r.variant === variant && r.op === op).serverCpuUsPerOp;
  for (const variant of ["default chain", "default chain + audit log"]) {
    for (const op of ["create", "get"]) results.push({ variant, op: `${op} cpu overhead %`, value: Math.round(((cpu(variant, op) - cpu("no admission", op)) / cpu("no admission", op)) * 100) });
  }
  return { metric: "ops/s at 50 clients (overhead rows: % more server CPU per request than no admission)", results, chart };
}
