import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startCluster, type Cluster } from "../support/cluster.js";
import { kitbashBin } from "../support/cli.js";
import { inNs, isRoot, ServiceLab, sh } from "../support/netns.js";
import { partAvailable } from "../support/parts.js";
import { until } from "../support/until.js";

const tool = (name: string) => {
  try {
    sh("sh", ["-c", `command -v ${name}`]);
    return true;
  } catch {
    return false;
  }
};
const ready =
  partAvailable("root (network namespaces)", isRoot(), "running the tests as root") &&
  partAvailable("iptables", tool("iptables-restore"), "Debian iptables") &&
  partAvailable("nft", tool("nft"), "Debian nftables") &&
  partAvailable("busybox", tool("busybox"), "Debian busybox-static") &&
  partAvailable("curl", tool("curl"), "Debian curl");

const CLUSTER_IP = "10.96.100.10";
const STICKY_IP = "10.96.100.11";

describe.runIf(ready)("the proxy routes Services inside a node network namespace", () => {
  let cluster: Cluster;
  let lab: ServiceLab;
  let proxy: ChildProcess | undefined;
  const tag = String(process.pid % 100000);
  // The cluster and lab outlive single tests, so their folders are removed in afterAll, not per test.
  const root = mkdtempSync(join(tmpdir(), "kitbash-proxy-"));
  let dirs = 0;
  const dir = () => mkdtempSync(join(root, `d${dirs++}-`));

  beforeAll(async () => {
    lab = new ServiceLab(tag, 3, dir());
    lab.up();
    cluster = await startCluster(dir());
    const backends = [0, 1, 2].map((i) => ({ addresses: [lab.backendIP(i)], conditions: { ready: true } }));
    const service = (name: string, ip: string, extra: object) => ({
      apiVersion: "v1",
      kind: "Service",
      metadata: { name, namespace: "default" },
      spec: { clusterIP: ip, clusterIPs: [ip], ports: [{ name: "http", port: 80, targetPort: 80, protocol: "TCP" }], ...extra },
    });
    const slice = (name: string) => ({
      apiVersion: "discovery.k8s.io/v1",
      kind: "EndpointSlice",
      metadata: { name: `${name}-abc`, namespace: "default", labels: { "kubernetes.io/service-name": name } },
      addressType: "IPv4",
      ports: [{ name: "http", port: 80, protocol: "TCP" }],
      endpoints: backends,
    });
    for (const [obj, path] of [
      [service("web", CLUSTER_IP, { type: "NodePort", ports: [{ name: "http", port: 80, targetPort: 80, protocol: "TCP", nodePort: 30080 }] }), "/api/v1/namespaces/default/services"],
      [service("sticky", STICKY_IP, { sessionAffinity: "ClientIP" }), "/api/v1/namespaces/default/services"],
      [slice("web"), "/apis/discovery.k8s.io/v1/namespaces/default/endpointslices"],
      [slice("sticky"), "/apis/discovery.k8s.io/v1/namespaces/default/endpointslices"],
    ] as const) {
      const res = await cluster.api("POST", path, JSON.stringify(obj));
      expect(res.status, res.body).toBe(201);
    }
  }, 60_000);

  afterAll(async () => {
    try {
      await stopProxy();
      await cluster?.stop();
    } finally {
      lab?.down();
      rmSync(root, { recursive: true, force: true });
    }
  }, 60_000);

  /** Restarts the proxy as a user switching modes would: a profile whose KubeProxyConfiguration names the mode. */
  async function startProxy(mode: string): Promise<void> {
    await stopProxy();
    const profile = join(dir(), "kitbash.yaml");
    writeFileSync(
      profile,
      [
        "apiVersion: kitbash.io/v1alpha1",
        "kind: Profile",
        "metadata: { name: proxy-test }",
        "components:",
        "  proxy:",
        "    enabled: true",
        `    settings: { netns: ${lab.node}, healthzPort: 0 }`,
        "    config:",
        "      KubeProxyConfiguration:",
        "        apiVersion: kubeproxy.config.k8s.io/v1alpha1",
        "        kind: KubeProxyConfiguration",
        `        mode: ${mode}`,
        "        clusterCIDR: 10.244.0.0/16",
        "        minSyncPeriod: 100ms",
        "",
      ].join("\n"),
    );
    proxy = spawn(process.execPath, [kitbashBin, "proxy", "--profile", profile, "--kubeconfig", cluster.kubeconfig, "--data-dir", dir()], {
      stdio: ["ignore", "ignore", "inherit"],
      env: { ...process.env, KITBASH_LOG_LEVEL: "warn" },
    });
  }

  async function stopProxy(): Promise<void> {
    const p = proxy;
    proxy = undefined;
    if (!p || p.exitCode !== null) return;
    await new Promise<void>((resolve) => (p.once("exit", () => resolve()), p.kill("SIGTERM")));
  }

  const iptablesChains = () => (inNs(lab.node, "iptables-save").match(/^:KUBE-\S+/gm) ?? []).length;
  const nftTable = () => inNs(lab.node, "nft", "list", "tables").includes("kube-proxy");

  async function scenario(): Promise<void> {
    await until("the ClusterIP to answer", () => lab.fetchMany(`http://${CLUSTER_IP}/`, 1)[0]?.startsWith("backend-"), 30_000);
    const answers = lab.fetchMany(`http://${CLUSTER_IP}/`, 300);
    expect(answers.filter((a) => !a.startsWith("backend-"))).toEqual([]);
    const counts = new Map<string, number>();
    for (const a of answers) counts.set(a, (counts.get(a) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual(["backend-0", "backend-1", "backend-2"]);
    // From another namespace through the node's address, and from the node itself.
    expect(lab.fetchMany("http://10.100.0.1:30080/", 5).every((a) => a.startsWith("backend-"))).toBe(true);
    expect(inNs(lab.node, "curl", "-s", "-m", "2", "http://10.100.0.1:30080/")).toMatch(/^backend-\d/);
    const sticky = new Set(lab.fetchMany(`http://${STICKY_IP}/`, 30));
    expect(sticky.size).toBe(1);
    expect([...sticky][0]).toMatch(/^backend-\d$/);
  }

  it("iptables mode: spreads 300 requests over every backend, answers on the NodePort, pins ClientIP affinity", async () => {
    await startProxy("iptables");
    await scenario();
    expect(inNs(lab.node, "iptables-save", "-t", "nat")).toMatch(/^-A KUBE-SERVICES .*-d 10\.96\.100\.10\/32 .*-j KUBE-SVC-/m);
    await stopProxy();
  }, 120_000);

  it("nftables mode: the same, and switching from iptables left no KUBE- chains", async () => {
    await startProxy("nftables");
    await until("the kube-proxy table", () => nftTable(), 30_000);
    expect(iptablesChains()).toBe(0);
    await scenario();
  }, 120_000);

  it("nftables mode: an endpoint removed from the slice stops answering", async () => {
    const patch = { endpoints: [0, 1].map((i) => ({ addresses: [lab.backendIP(i)], conditions: { ready: true } })) };
    const res = await cluster.api("PATCH", "/apis/discovery.k8s.io/v1/namespaces/default/endpointslices/web-abc", JSON.stringify(patch), { "Content-Type": "application/merge-patch+json" });
    expect(res.status, res.body).toBe(200);
    await until("backend-2 to leave the rotation", () => !lab.fetchMany(`http://${CLUSTER_IP}/`, 30).includes("backend-2"), 20_000);
    const answers = new Set(lab.fetchMany(`http://${CLUSTER_IP}/`, 60));
    expect([...answers].sort()).toEqual(["backend-0", "backend-1"]);
    await stopProxy();
  }, 60_000);

  it("mode none removes the nftables table", async () => {
    await startProxy("none");
    await until("the kube-proxy table to go", () => !nftTable(), 30_000);
    expect(iptablesChains()).toBe(0);
    await stopProxy();
  }, 60_000);
});
