import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KubeClient, Resources, isConflict, isNotFound, microTime, rfc3339, type KubeObject } from "../../../core/client/index.js";
import { startCluster, type Cluster } from "../../support/cluster.js";

let cluster: Cluster;
let client: KubeClient;
const dataDir = mkdtempSync(join(tmpdir(), "kitbash-netctl-"));
const GRACE_MS = 3000;

beforeAll(async () => {
  // Short node monitoring so a silent node shows within seconds.
  cluster = await startCluster(dataDir, ["--set", `components.controller-manager.pluginConfig=[{name: nodelifecycle, args: {nodeMonitorPeriod: 500ms, nodeMonitorGracePeriod: ${GRACE_MS / 1000}s}}]`]);
  client = await KubeClient.fromKubeconfig(cluster.kubeconfig);
});

afterAll(async () => {
  client?.close();
  await cluster?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function until<T>(what: string, probe: () => Promise<T | undefined | false>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface Pod extends KubeObject {
  spec: Record<string, unknown>;
  status?: { phase?: string; podIP?: string; podIPs?: { ip: string }[]; conditions?: { type: string; status: string; lastTransitionTime?: string }[] };
}

const ready = (status: boolean, at = Date.now()) => [{ type: "Ready", status: status ? "True" : "False", lastTransitionTime: rfc3339(at) }];

describe("endpoints and endpointslice controllers", () => {
  const ns = "netctl";
  const pods = () => client.resource<Pod>(Resources.pods, ns);

  it("gives a Service with 3 pods Endpoints and an EndpointSlice, and moves a pod that turns not ready", async () => {
    await client.resource(Resources.namespaces).create({ apiVersion: "v1", kind: "Namespace", metadata: { name: ns } });
    await client.resource(Resources.services, ns).create({
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "web" },
      spec: { selector: { app: "web" }, ports: [{ name: "http", port: 80, targetPort: "http-alt" }] },
    } as KubeObject);
    for (let i = 0; i < 3; i++) {
      const made = await pods().create({
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: `web-${i}`, labels: { app: "web" } },
        spec: { nodeName: "somewhere", containers: [{ name: "httpd", image: "busybox", ports: [{ name: "http-alt", containerPort: 8080 }] }] },
      });
      await pods().updateStatus({ ...made, status: { podIP: `10.244.9.${i + 1}`, podIPs: [{ ip: `10.244.9.${i + 1}` }], phase: "Running", conditions: ready(true) } });
    }
    type Subset = { addresses?: { ip: string }[]; notReadyAddresses?: { ip: string }[]; ports?: { name: string; port: number }[] };
    const endpoints = () => client.resource<KubeObject & { subsets?: Subset[] }>(Resources.endpoints, ns).get("web").catch(() => undefined);
    const ep = await until("3 ready addresses", async () => {
      const e = await endpoints();
      return e?.subsets?.[0]?.addresses?.length === 3 && e;
    });
    expect(ep.subsets![0]!.ports).toEqual([{ name: "http", port: 8080, protocol: "TCP" }]);

    type Slice = KubeObject & { addressType: string; endpoints: { addresses: string[]; conditions: { ready: boolean; serving: boolean; terminating: boolean } }[]; ports: { port: number }[] };
    const slices = async () => (await client.resource<Slice>(Resources.endpointSlices, ns).list({ labelSelector: "kubernetes.io/service-name=web" })).items;
    const [slice] = await until("a slice with 3 ready endpoints", async () => {
      const s = await slices();
      return s.length === 1 && s[0]!.endpoints?.filter((e) => e.conditions.ready).length === 3 && s;
    });
    expect(slice!.metadata.labels?.["endpointslice.kubernetes.io/managed-by"]).toBe("endpointslice-controller.k8s.io");
    expect(slice!.addressType).toBe("IPv4");
    expect(slice!.ports).toEqual([{ name: "http", port: 8080, protocol: "TCP" }]);
    expect(slice!.metadata.ownerReferences?.[0]).toMatchObject({ kind: "Service", name: "web", controller: true });

    const p1 = await pods().get("web-1");
    // A transition time of its own (later than anything before, unlike a change within the same second) that the annotation must carry.
    const turned = Date.now() + 60_000;
    await pods().updateStatus({ ...p1, status: { ...p1.status, conditions: ready(false, turned) } });
    const moved = await until("web-1 not ready", async () => {
      const e = await endpoints();
      return e?.subsets?.some((s) => s.notReadyAddresses?.some((a) => a.ip === "10.244.9.2")) && e;
    });
    expect(moved.subsets!.flatMap((s) => s.addresses ?? []).map((a) => a.ip).sort()).toEqual(["10.244.9.1", "10.244.9.3"]);
    expect(moved.metadata.annotations?.["endpoints.kubernetes.io/last-change-trigger-time"]).toBe(rfc3339(turned));
    const after = await until("slice shows web-1 not ready", async () => {
      const s = await slices();
      return s[0]?.endpoints.find((e) => e.addresses[0] === "10.244.9.2")?.conditions.ready === false && s;
    });
    expect(after).toHaveLength(1);
    expect(after[0]!.metadata.name).toBe(slice!.metadata.name);
    expect(after[0]!.endpoints.find((e) => e.addresses[0] === "10.244.9.2")!.conditions).toEqual({ ready: false, serving: false, terminating: false });
  });

  it("mirrors hand-written Endpoints of a Service without a selector into an EndpointSlice", async () => {
    await client.resource(Resources.services, ns).create({ apiVersion: "v1", kind: "Service", metadata: { name: "external" }, spec: { ports: [{ name: "db", port: 5432 }] } } as KubeObject);
    await client.resource(Resources.endpoints, ns).create({ apiVersion: "v1", kind: "Endpoints", metadata: { name: "external" }, subsets: [{ addresses: [{ ip: "192.0.2.7" }], ports: [{ name: "db", port: 5432 }] }] } as KubeObject);
    type Slice = KubeObject & { endpoints: { addresses: string[]; conditions: { ready: boolean } }[]; ports: { port: number }[] };
    const [slice] = await until("mirrored slice", async () => {
      const s = (await client.resource<Slice>(Resources.endpointSlices, ns).list({ labelSelector: "kubernetes.io/service-name=external" })).items;
      return s.length === 1 && s;
    });
    expect(slice!.metadata.labels?.["endpointslice.kubernetes.io/managed-by"]).toBe("endpointslicemirroring-controller.k8s.io");
    expect(slice!.endpoints).toEqual([{ addresses: ["192.0.2.7"], conditions: { ready: true } }]);
    expect(slice!.metadata.ownerReferences?.[0]).toMatchObject({ kind: "Endpoints", name: "external" });
  });

  it("leaves the kubernetes Service's endpoints to the API server", async () => {
    const slices = await client.resource(Resources.endpointSlices, "default").list({ labelSelector: "kubernetes.io/service-name=kubernetes" });
    const managers = slices.items.map((s) => s.metadata.labels?.["endpointslice.kubernetes.io/managed-by"]);
    expect(managers).not.toContain("endpointslice-controller.k8s.io");
    expect(managers).not.toContain("endpointslicemirroring-controller.k8s.io");
  });
});

describe("node lifecycle and node IPAM controllers", () => {
  type Node = KubeObject & { spec?: { podCIDR?: string; podCIDRs?: string[]; taints?: { key: string; effect: string }[] }; status?: { conditions?: { type: string; status: string }[] } };
  const nodes = () => client.resource<Node>(Resources.nodes);
  const leases = () => client.resource(Resources.leases, "kube-node-lease");
  const ns = "evict";

  const lastRenewal = new Map<string, number>();
  async function registerNode(name: string) {
    await nodes().create({ apiVersion: "v1", kind: "Node", metadata: { name, labels: { "topology.kubernetes.io/zone": "z1" } } });
    const now = rfc3339(Date.now());
    // The node IPAM controller writes the node meanwhile; this API server answers a patch that races a write with 409, so try again.
    await until("node status written", () =>
      nodes()
        .patchStatus(name, "merge", { status: { conditions: [{ type: "Ready", status: "True", reason: "KubeletReady", lastHeartbeatTime: now, lastTransitionTime: now }] } })
        .catch((err) => (isConflict(err) ? undefined : Promise.reject(err))),
    );
    await leases().create({ apiVersion: "coordination.k8s.io/v1", kind: "Lease", metadata: { name }, spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime: microTime(Date.now()) } } as KubeObject);
    lastRenewal.set(name, Date.now());
  }
  async function renew(name: string) {
    const l = await leases().get(name);
    await leases().update({ ...l, spec: { ...(l.spec as object), renewTime: microTime(Date.now()) } } as KubeObject);
  }

  it("allocates each node a podCIDR from the cluster CIDR", async () => {
    await registerNode("n-alive");
    await registerNode("n-silent");
    const [a, b] = await Promise.all(
      ["n-alive", "n-silent"].map((n) => until(`${n} podCIDR`, async () => {
        const node = await nodes().get(n);
        return !!node.spec?.podCIDRs?.length && node;
      })),
    );
    for (const n of [a!, b!]) {
      expect(n.spec!.podCIDR).toMatch(/^10\.244\.\d+\.0\/24$/);
      expect(n.spec!.podCIDRs).toEqual([n.spec!.podCIDR]);
    }
    expect(a!.spec!.podCIDR).not.toBe(b!.spec!.podCIDR);
  });

  it("marks a node whose Lease stops Unknown within the grace period, taints it unreachable, and evicts its pods by tolerationSeconds", async () => {
    await client.resource(Resources.namespaces).create({ apiVersion: "v1", kind: "Namespace", metadata: { name: ns } });
    const pods = client.resource<Pod>(Resources.pods, ns);
    const tolerations = [{ key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 2 }, { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 2 }];
    for (const [name, node, tol] of [["short", "n-silent", tolerations], ["forever", "n-silent", [{ key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute" }]], ["healthy", "n-alive", []]] as const) {
      const made = await pods.create({ apiVersion: "v1", kind: "Pod", metadata: { name }, spec: { nodeName: node, tolerations: tol, containers: [{ name: "c", image: "busybox" }] } });
      await pods.updateStatus({ ...made, status: { phase: "Running", conditions: ready(true) } });
    }
    // The healthy node keeps renewing; the silent one renewed last when it registered.
    const keepAlive = setInterval(() => void renew("n-alive").catch(() => undefined), 500);
    const silentSince = lastRenewal.get("n-silent")!;
    try {
      const readyOf = async (n: string) => (await nodes().get(n)).status?.conditions?.find((c) => c.type === "Ready")?.status;
      await until("n-silent Unknown", async () => (await readyOf("n-silent")) === "Unknown", GRACE_MS + 10_000);
      const unknownAfter = Date.now() - silentSince;
      expect(unknownAfter).toBeGreaterThanOrEqual(GRACE_MS);
      // Grace period plus one monitor period, and slack for a busy machine.
      expect(unknownAfter).toBeLessThan(GRACE_MS + 3000);
      expect(await readyOf("n-alive")).toBe("True");
      const tainted = await until("unreachable NoExecute taint", async () => {
        const n = await nodes().get("n-silent");
        return n.spec?.taints?.some((t) => t.key === "node.kubernetes.io/unreachable" && t.effect === "NoExecute") ? Date.now() : undefined;
      });
      const podReady = (p: Pod) => p.status?.conditions?.find((c) => c.type === "Ready")?.status;
      await until("pods on n-silent not ready", async () => podReady(await pods.get("forever")) === "False");

      const evicted = await until("short evicted", async () => {
        const p = await pods.get("short").catch((err) => (isNotFound(err) ? undefined : Promise.reject(err)));
        return !p || p.metadata.deletionTimestamp ? Date.now() : undefined;
      });
      const evictedAfter = evicted - tainted;
      expect(evictedAfter).toBeGreaterThanOrEqual(1500);
      expect(evictedAfter).toBeLessThan(5000);
      console.log(`node Unknown ${unknownAfter} ms after its last renewal (grace ${GRACE_MS} ms); pod with tolerationSeconds 2 evicted ${evictedAfter} ms after the taint was seen`);
      const forever = await pods.get("forever");
      expect(forever.metadata.deletionTimestamp).toBeUndefined();
      expect((await pods.get("healthy")).metadata.deletionTimestamp).toBeUndefined();
      expect(podReady(await pods.get("healthy"))).toBe("True");
    } finally {
      clearInterval(keepAlive);
    }
  });
});
