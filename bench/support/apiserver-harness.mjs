// What the API server benchmarks share: a `kitbash up` of one profile on a free port, load
// processes (bench/lib/load.mjs) with the server's CPU per request, and h2load GETs.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** h2load (Debian's nghttp2-client): a C HTTP/2 load generator that costs the shared cores a tenth of Node's client. */
export const H2LOAD = spawnSync("h2load", ["--version"]).status === 0;

/**
 * Starts `kitbash up --profile <profile>` (controller manager off, so the API server is measured
 * alone) with `sets` applied. `tokenFile`: a bearer token for h2load, which cannot present
 * client certificates, placed in an authentication chain of x509, token-file, anonymous.
 */
export async function startServer(root, { profile = "control-plane", sets = [], pluginConfig = [], tokenFile = false, label = "bench" } = {}) {
  const dir = mkdtempSync(join(tmpdir(), `kitbash-bench-${label}-`));
  const token = randomBytes(16).toString("hex");
  const config = [...pluginConfig];
  const args = [join(root, "bin", "kitbash.js"), "up", "--profile", profile, "--port", "0", "--data-dir", dir, "--set", "components.controller-manager.enabled=false"];
  if (tokenFile) {
    writeFileSync(join(dir, "bench-tokens.csv"), `${token},bench-admin,bench-admin,"system:masters"\n`);
    config.push({ name: "token-file", args: { tokenAuthFile: "bench-tokens.csv" } });
    args.push("--set", "components.apiserver.plugins.authentication.enabled=[{name: x509}, {name: token-file}, {name: anonymous}]");
  }
  for (const s of sets) args.push("--set", s);
  if (config.length) args.push("--set", `components.apiserver.pluginConfig=${JSON.stringify(config)}`);
  const child = spawn(process.execPath, args, { env: { ...process.env, KITBASH_LOG_LEVEL: "warn" }, stdio: ["ignore", "pipe", "inherit"] });
  const url = await new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      const m = /API server: (\S+)/.exec(out);
      if (m && out.includes("kubeconfig")) resolve(m[1]);
    });
    child.on("exit", (c) => reject(new Error(`kitbash up --profile ${profile} exited ${c}`)));
  });
  return { dir, child, url, token, stop: () => new Promise((r) => { child.once("exit", r); child.kill("SIGTERM"); }) };
}

export async function stopServer(s) {
  await s.stop();
  rmSync(s.dir, { recursive: true, force: true });
}

const CLOCK_TICKS = 100;

/**
 * CPU time the server process has used, in ms (Linux /proc; undefined elsewhere). Per
 * request it is a figure that other load on the machine disturbs far less than ops/s.
 */
export function serverCpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

/** Runs one load process (bench/lib/load.mjs) against the server and returns what it measured, with the server's CPU per request. */
export async function load(s, cfg) {
  const before = serverCpuMs(s.child.pid);
  const r = await loadProcess(s, cfg);
  const after = serverCpuMs(s.child.pid);
  if (before !== undefined && after !== undefined && r.ops) r.serverCpuUsPerOp = Math.round(((after - before) * 1000) / r.ops);
  return r;
}

function loadProcess(s, cfg) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(dirname(fileURLToPath(import.meta.url)), "..", "lib", "load.mjs"), JSON.stringify({ url: s.url, pki: join(s.dir, "pki"), ...cfg })], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`load ${JSON.stringify(cfg)} exited ${code}`))));
  });
}

/**
 * GETs of `count` objects by h2load at `clients` concurrent streams (25 per connection, as
 * client-go multiplexes), for `ms`; latency percentiles from its per-request log.
 */
export async function h2loadGets(s, { clients, count, base, prefix, ms }) {
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
