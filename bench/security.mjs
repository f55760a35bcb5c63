// What the security chains cost per request: the same create and GET load, as an ordinary
// user (a client certificate bound to cluster-admin, not system:masters, so RBAC decides),
// against the `control-plane` profile (AlwaysAllow, no admission) and the `hardened` profile
// (x509 + RBAC + Node, NodeRestriction, PodSecurity, audit) in one run. The overhead is the
// server's CPU per request, which other load on the machine disturbs far less than ops/s.
// Target: at most 20 % on GETs.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { load, startServer, stopServer } from "./support/apiserver-harness.mjs";

export const name = "security";
const PROFILES = ["control-plane", "hardened"];
const CLIENTS = 50;
const PHASE_MS = 3000;

/** A client certificate for `bench-user` from the cluster CA, bound to cluster-admin through RBAC. */
async function benchUser(root, s) {
  const { openClusterCa } = await import(pathToFileURL(join(root, "dist", "core", "pki", "index.js")).href);
  const { KubeClient } = await import(pathToFileURL(join(root, "dist", "core", "client", "index.js")).href);
  const ca = await openClusterCa(join(s.dir, "pki"));
  const cert = await ca.issueClientCert({ commonName: "bench-user", organizations: ["bench"] });
  writeFileSync(join(s.dir, "pki", "bench-user.crt"), cert.cert);
  writeFileSync(join(s.dir, "pki", "bench-user.key"), cert.key);
  const admin = await KubeClient.fromKubeconfig(join(s.dir, "admin.kubeconfig"));
  try {
    const rbac = { group: "rbac.authorization.k8s.io", version: "v1", resource: "clusterrolebindings", namespaced: false, kind: "ClusterRoleBinding" };
    await admin.resource(rbac).create({
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: { name: "bench-user" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" },
      subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "User", name: "bench-user" }],
    });
    await admin.resource({ group: "", version: "v1", resource: "namespaces", namespaced: false, kind: "Namespace" }).create({ apiVersion: "v1", kind: "Namespace", metadata: { name: "bench" } });
  } finally {
    admin.close();
  }
}

export async function run({ root }) {
  const results = [];
  const chart = [];
  const byProfile = {};
  for (const profile of PROFILES) {
    let s;
    try {
      s = await startServer(root, { profile, label: profile });
    } catch (err) {
      results.push({ profile, skipped: `the ${profile} profile did not start: ${err.message}` });
      continue;
    }
    try {
      await benchUser(root, s);
      const base = "/api/v1/namespaces/bench/configmaps";
      const phase = { clients: CLIENTS, durationMs: PHASE_MS, base, prefix: "s-", identity: "bench-user" };
      const create = await load(s, { ...phase, op: "create" });
      const get = await load(s, { ...phase, op: "get", count: create.ops });
      byProfile[profile] = { create, get };
      for (const [op, r] of [["create", create], ["get", get]]) {
        results.push({ profile, op, clients: CLIENTS, ...r });
        chart.push({ label: `${profile} ${op} server µs/request`, value: r.serverCpuUsPerOp });
      }
    } finally {
      await stopServer(s);
    }
  }
  const [plain, hardened] = PROFILES.map((p) => byProfile[p]);
  if (plain && hardened) {
    for (const op of ["create", "get"]) {
      const overheadPct = +((hardened[op].serverCpuUsPerOp / plain[op].serverCpuUsPerOp - 1) * 100).toFixed(1);
      results.push({ op: `${op}-overhead`, overheadPct, ...(op === "get" ? { target: "<= 20 %", met: overheadPct <= 20 } : {}) });
    }
  }
  return { metric: "server CPU µs per request", results, chart };
}
