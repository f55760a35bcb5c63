import { describe, expect, it } from "vitest";
import { Resources, microTime, rfc3339, type KubeObject } from "../../../core/client/index.js";
import type { Pod } from "../../../core/controller-manager/index.js";
import { withControllerTaints } from "../../../plugins/controller-manager/controllers/nodelifecycle/desired-taints.js";
import { observeHealth, type Node } from "../../../plugins/controller-manager/controllers/nodelifecycle/node-health.js";
import { NodeLifecycleController } from "../../../plugins/controller-manager/controllers/nodelifecycle/nodelifecycle-controller.js";
import { tolerationWindowMs, tolerates, type Taint } from "../../../plugins/controller-manager/controllers/nodelifecycle/taints.js";
import { ZoneLimiter, zoneState } from "../../../plugins/controller-manager/controllers/nodelifecycle/zones.js";
import { FakeClock } from "../../support/fake-clock.js";
import { fakeControllerHandle } from "../../support/fake-controller-handle.js";

const T0 = 1_700_000_000_000;
const readyNode = (name: string, heartbeatMs: number, status = "True"): Node => ({
  apiVersion: "v1",
  kind: "Node",
  metadata: { name },
  spec: {},
  status: { conditions: [{ type: "Ready", status, lastHeartbeatTime: rfc3339(heartbeatMs), lastTransitionTime: rfc3339(T0) }] },
});
const grace = { monitorMs: 40_000, startupMs: 60_000 };

describe("observeHealth", () => {
  const lease = (ms: number) => ({ metadata: { name: "n" }, spec: { renewTime: microTime(ms) } });
  it.each([
    { name: "first look starts the clock", node: readyNode("n", T0), lease: undefined, prev: undefined, now: T0 + 100_000, unknown: false },
    { name: "within grace since the last sign of life", node: readyNode("n", T0), lease: undefined, prev: { probeMs: T0, heartbeat: rfc3339(T0), leaseRenew: undefined }, now: T0 + 40_000, unknown: false },
    { name: "past grace with no new heartbeat or lease", node: readyNode("n", T0), lease: lease(T0), prev: { probeMs: T0, heartbeat: rfc3339(T0), leaseRenew: microTime(T0) }, now: T0 + 40_001, unknown: true },
    { name: "a renewed lease is a sign of life", node: readyNode("n", T0), lease: lease(T0 + 30_000), prev: { probeMs: T0, heartbeat: rfc3339(T0), leaseRenew: microTime(T0) }, now: T0 + 50_000, unknown: false },
    { name: "a new heartbeat is a sign of life", node: readyNode("n", T0 + 30_000), lease: undefined, prev: { probeMs: T0, heartbeat: rfc3339(T0), leaseRenew: undefined }, now: T0 + 50_000, unknown: false },
    { name: "a node that never posted Ready gets the startup grace", node: { ...readyNode("n", T0), status: {} }, lease: undefined, prev: { probeMs: T0, heartbeat: undefined, leaseRenew: undefined }, now: T0 + 50_000, unknown: false },
  ])("$name", ({ node, lease: l, prev, now, unknown }) => {
    const { conditions } = observeHealth(node, l, prev, now, grace);
    expect(conditions?.find((c) => c.type === "Ready")?.status === "Unknown").toBe(unknown);
  });

  it("marks every kubelet condition Unknown, adding those never posted", () => {
    const { conditions } = observeHealth(readyNode("n", T0), undefined, { probeMs: T0, heartbeat: rfc3339(T0), leaseRenew: undefined }, T0 + 60_000, grace);
    expect(conditions!.map((c) => [c.type, c.status, c.reason])).toEqual([
      ["Ready", "Unknown", "NodeStatusUnknown"],
      ["MemoryPressure", "Unknown", "NodeStatusNeverUpdated"],
      ["DiskPressure", "Unknown", "NodeStatusNeverUpdated"],
      ["PIDPressure", "Unknown", "NodeStatusNeverUpdated"],
    ]);
    expect(conditions![0]!.lastHeartbeatTime).toBe(rfc3339(T0));
  });
});

describe("taints and tolerations", () => {
  const unreachable: Taint = { key: "node.kubernetes.io/unreachable", effect: "NoExecute" };
  it.each([
    [{ key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute" }, true],
    [{ key: "node.kubernetes.io/unreachable", operator: "Exists" }, true],
    [{ operator: "Exists" }, true],
    [{ key: "node.kubernetes.io/not-ready", operator: "Exists" }, false],
    [{ key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoSchedule" }, false],
    [{ key: "node.kubernetes.io/unreachable", value: "x" }, false],
  ])("toleration %o tolerates unreachable:NoExecute: %s", (t, want) => expect(tolerates(t, unreachable)).toBe(want));

  it.each([
    { name: "no toleration: at once", tolerations: [], want: 0 },
    { name: "tolerated for 2 s", tolerations: [{ key: unreachable.key, operator: "Exists", effect: "NoExecute", tolerationSeconds: 2 }], want: 2000 },
    { name: "the shortest of several", tolerations: [{ operator: "Exists", tolerationSeconds: 60 }, { key: unreachable.key, operator: "Exists", tolerationSeconds: 5 }], want: 5000 },
    { name: "tolerated for ever", tolerations: [{ key: unreachable.key, operator: "Exists" }], want: Infinity },
    { name: "negative seconds count as none", tolerations: [{ key: unreachable.key, operator: "Exists", tolerationSeconds: -3 }], want: 0 },
  ])("window: $name", ({ tolerations, want }) => expect(tolerationWindowMs(tolerations, [unreachable])).toBe(want));

  it("keeps others' taints and timeAdded, swaps not-ready for unreachable, adds condition NoSchedule taints", () => {
    const node: Node = {
      metadata: { name: "n" },
      spec: { unschedulable: true, taints: [{ key: "dedicated", value: "gpu", effect: "NoSchedule" }, { key: "node.kubernetes.io/not-ready", effect: "NoExecute", timeAdded: "2026-01-01T00:00:00Z" }] },
      status: { conditions: [{ type: "Ready", status: "Unknown" }, { type: "DiskPressure", status: "True" }] },
    };
    const taints = withControllerTaints(node, "node.kubernetes.io/unreachable", T0);
    expect(taints.map((t) => `${t.key}:${t.effect}`).sort()).toEqual(
      ["dedicated:NoSchedule", "node.kubernetes.io/disk-pressure:NoSchedule", "node.kubernetes.io/unreachable:NoSchedule", "node.kubernetes.io/unreachable:NoExecute", "node.kubernetes.io/unschedulable:NoSchedule"].sort(),
    );
    expect(taints.find((t) => t.effect === "NoExecute")!.timeAdded).toBe(rfc3339(T0));
    const again = withControllerTaints({ ...node, spec: { ...node.spec, taints } }, "node.kubernetes.io/unreachable", T0 + 9000);
    expect(again.find((t) => t.effect === "NoExecute")!.timeAdded).toBe(rfc3339(T0));
  });
});

describe("zones", () => {
  it.each([
    [3, 0, "Normal"],
    [0, 1, "FullDisruption"],
    [1, 1, "Normal"],
    [2, 3, "PartialDisruption"],
    [7, 3, "Normal"],
  ] as const)("%i ready, %i not ready: %s", (ready, notReady, want) => expect(zoneState(ready, notReady, 0.55)).toBe(want));

  it("lets one node through, then one per 1/rate seconds; rate 0 none", () => {
    const l = new ZoneLimiter(0.1, T0);
    expect([l.tryAccept(T0), l.tryAccept(T0 + 5000), l.tryAccept(T0 + 10_000)]).toEqual([true, false, true]);
    const none = new ZoneLimiter(0, T0);
    expect(none.tryAccept(T0 + 1e9)).toBe(false);
  });
});

const settle = async (check: () => boolean) => {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
};

describe("nodelifecycle controller (fake API, fake clock)", () => {
  it("marks a silent node Unknown after the grace period, taints it, marks its pods not ready and evicts them by their tolerations", async () => {
    const clock = new FakeClock(T0);
    const h = fakeControllerHandle({ clock });
    h.api.seed("/api/v1/nodes", readyNode("alive", T0), readyNode("silent", T0));
    const lease = (name: string) => ({ apiVersion: "coordination.k8s.io/v1", kind: "Lease", metadata: { name }, spec: { holderIdentity: name, renewTime: microTime(clock.now()) } });
    h.api.seed("/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases", lease("alive"), lease("silent"));
    const tolerating = (seconds?: number) => [{ key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", ...(seconds !== undefined ? { tolerationSeconds: seconds } : {}) }];
    const mkPod = (name: string, node: string, tolerations: NonNullable<Pod["spec"]>["tolerations"]): KubeObject => ({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name },
      spec: { nodeName: node, tolerations },
      status: { conditions: [{ type: "Ready", status: "True" }] },
    });
    h.api.seed("/api/v1/namespaces/d/pods", mkPod("bare", "silent", []), mkPod("two", "silent", tolerating(2)), mkPod("ever", "silent", tolerating()), mkPod("elsewhere", "alive", []));
    const ac = new AbortController();
    const run = new NodeLifecycleController(
      { nodeMonitorPeriod: "1s", nodeMonitorGracePeriod: "10s", nodeStartupGracePeriod: "20s", nodeEvictionRate: 0.1, secondaryNodeEvictionRate: 0.01, largeClusterSizeThreshold: 50, unhealthyZoneThreshold: 0.55, concurrentEvictionSyncs: 2 },
      h,
    ).run(ac.signal);
    h.informers.start(ac.signal);
    const node = (n: string) => h.api.peek(`/api/v1/nodes/${n}`) as Node;
    const podReady = (n: string) => ((h.api.peek(`/api/v1/namespaces/d/pods/${n}`)?.status as Pod["status"])?.conditions ?? []).find((c) => c.type === "Ready")?.status;
    const gone = (n: string) => !h.api.peek(`/api/v1/namespaces/d/pods/${n}`);
    const ready = (n: string) => node(n).status!.conditions!.find((c) => c.type === "Ready")!.status;
    const renew = async () => {
      const l = h.api.peek("/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/alive")!;
      await h.client.resource(Resources.leases, "kube-node-lease").update({ ...l, spec: { ...(l.spec as object), renewTime: microTime(clock.now()) } });
    };
    const tick = async (ms: number) => {
      for (let t = 0; t < ms; t += 1000) {
        await renew();
        await new Promise((r) => setTimeout(r, 20));
        clock.advance(1000);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    await settle(() => clock.pending() > 0);

    await tick(10_000);
    expect(ready("silent")).toBe("True");
    await tick(2000);
    await settle(() => ready("silent") === "Unknown");
    expect(ready("silent")).toBe("Unknown");
    expect(ready("alive")).toBe("True");
    await settle(() => (node("silent").spec!.taints ?? []).some((t) => t.effect === "NoExecute"));
    expect((node("silent").spec!.taints ?? []).map((t) => `${t.key}:${t.effect}`).sort()).toEqual(["node.kubernetes.io/unreachable:NoExecute", "node.kubernetes.io/unreachable:NoSchedule"]);
    expect(node("alive").spec!.taints ?? []).toEqual([]);
    await settle(() => podReady("ever") === "False");
    expect(podReady("ever")).toBe("False");
    expect(podReady("elsewhere")).toBe("True");

    // No toleration: evicted at once. tolerationSeconds 2: not before 2 s of the clock.
    await settle(() => gone("bare"));
    expect(gone("bare")).toBe(true);
    expect(gone("two")).toBe(false);
    // The eviction clock starts when the taint went on (timeAdded, whole seconds on this clock).
    const tainted = Date.parse(node("silent").spec!.taints!.find((t) => t.effect === "NoExecute")!.timeAdded!);
    clock.advance(tainted + 1500 - clock.now());
    await new Promise((r) => setTimeout(r, 30));
    expect(gone("two")).toBe(false);
    clock.advance(600);
    await settle(() => gone("two"));
    expect(gone("two")).toBe(true);
    expect(gone("ever")).toBe(false);
    expect(gone("elsewhere")).toBe(false);
    expect(h.events.filter((e) => e.reason === "TaintManagerEviction").map((e) => e.regarding).sort()).toEqual(["d/bare", "d/two"]);
    ac.abort();
    await run;
    await h.informers.stop();
  });

  it("adds no NoExecute taint while every node is down (full disruption)", async () => {
    const clock = new FakeClock(T0);
    const h = fakeControllerHandle({ clock });
    h.api.seed("/api/v1/nodes", readyNode("only", T0));
    const ac = new AbortController();
    const run = new NodeLifecycleController(
      { nodeMonitorPeriod: "1s", nodeMonitorGracePeriod: "5s", nodeStartupGracePeriod: "20s", nodeEvictionRate: 0.1, secondaryNodeEvictionRate: 0.01, largeClusterSizeThreshold: 50, unhealthyZoneThreshold: 0.55, concurrentEvictionSyncs: 1 },
      h,
    ).run(ac.signal);
    h.informers.start(ac.signal);
    await settle(() => clock.pending() > 0);
    for (let i = 0; i < 10; i++) {
      clock.advance(1000);
      await new Promise((r) => setTimeout(r, 20));
    }
    const node = h.api.peek("/api/v1/nodes/only") as Node;
    expect(node.status!.conditions!.find((c) => c.type === "Ready")!.status).toBe("Unknown");
    expect((node.spec!.taints ?? []).map((t) => `${t.key}:${t.effect}`)).toEqual(["node.kubernetes.io/unreachable:NoSchedule"]);
    ac.abort();
    await run;
    await h.informers.stop();
  });
});
