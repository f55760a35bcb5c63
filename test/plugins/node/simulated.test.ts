import { describe, expect, it } from "vitest";
import { FleetAddresses } from "../../../plugins/node/nodes/simulated/addresses.js";
import { expandIndex, simulatedNode } from "../../../plugins/node/nodes/simulated/node-template.js";
import { startedPodStatus } from "../../../plugins/node/nodes/simulated/pod-status.js";

describe("simulated nodes: templates", () => {
  it.each([
    ["zone-{index%2}", 3, "zone-1"],
    ["zone-{index%3}", 7, "zone-1"],
    ["rack-{index}", 42, "rack-42"],
    ["plain", 5, "plain"],
  ])("expands %s for node %i to %s", (value, index, want) => {
    expect(expandIndex(value, index)).toBe(want);
  });

  it("builds a Ready Node with the kubelet's labels, the template's, its taints and capacity as allocatable by default", () => {
    const n = simulatedNode("kwok-node-3", 3, { capacity: { cpu: "4", pods: "110" }, labels: { zone: "z-{index%2}" }, taints: [{ key: "gpu", effect: "NoSchedule" }] }, "10.0.3.1", "2026-01-01T00:00:00Z");
    expect(n.metadata.labels).toMatchObject({ "kubernetes.io/hostname": "kwok-node-3", "kubernetes.io/os": "linux", type: "kwok", zone: "z-1" });
    expect((n.spec as { taints: unknown[] }).taints).toEqual([{ key: "gpu", effect: "NoSchedule" }]);
    expect(n.status.allocatable).toEqual({ cpu: "4", pods: "110" });
    const conditions = n.status.conditions as { type: string; status: string }[];
    expect(conditions.find((c) => c.type === "Ready")?.status).toBe("True");
    expect(conditions.filter((c) => c.type !== "Ready").every((c) => c.status === "False")).toBe(true);
    expect(n.status.addresses).toContainEqual({ type: "InternalIP", address: "10.0.3.1" });
  });
});

describe("simulated nodes: addresses", () => {
  const a = new FleetAddresses("10.244");
  it("gives each node its own /24 and pods .2 to .254 of it", () => {
    expect(a.nodeIP(0)).toBe("10.244.0.1");
    expect(a.nodeIP(257)).toBe("10.245.1.1");
    expect(a.podIP(1, 0)).toBe("10.244.1.2");
    expect(a.podIP(1, 252)).toBe("10.244.1.254");
    expect(a.podIP(1, 253)).toBe("10.244.1.2");
  });
  it("refuses a prefix that is not two octets", () => {
    expect(() => new FleetAddresses("10.300")).toThrow(/not two octets/);
  });
});

describe("simulated nodes: pod status", () => {
  const pod = {
    metadata: { name: "p", namespace: "default", uid: "u1" },
    spec: { initContainers: [{ name: "init", image: "busybox" }], containers: [{ name: "app", image: "nginx" }] },
    status: { conditions: [{ type: "PodScheduled", status: "True" }] },
  };
  it("reports a started pod Running and Ready, with IPs and running containers", () => {
    const s = startedPodStatus(pod, "10.0.0.1", "10.0.0.7", "2026-01-01T00:00:00Z", false) as any;
    expect(s.phase).toBe("Running");
    expect(s.podIP).toBe("10.0.0.7");
    expect(s.hostIP).toBe("10.0.0.1");
    expect(s.conditions.map((c: any) => [c.type, c.status])).toEqual([
      ["PodReadyToStartContainers", "True"],
      ["Initialized", "True"],
      ["Ready", "True"],
      ["ContainersReady", "True"],
      ["PodScheduled", "True"],
    ]);
    expect(s.containerStatuses[0]).toMatchObject({ name: "app", ready: true, started: true, state: { running: {} } });
    expect(s.initContainerStatuses[0]).toMatchObject({ name: "init", state: { terminated: { exitCode: 0, reason: "Completed" } } });
  });
  it("reports a failed pod Failed with its containers exited 1 and not Ready", () => {
    const s = startedPodStatus(pod, "10.0.0.1", "10.0.0.7", "2026-01-01T00:00:00Z", true) as any;
    expect(s.phase).toBe("Failed");
    expect(s.conditions.find((c: any) => c.type === "Ready")).toMatchObject({ status: "False", reason: "PodFailed" });
    expect(s.containerStatuses[0]).toMatchObject({ ready: false, state: { terminated: { exitCode: 1, reason: "Error" } } });
  });
});
