import { describe, expect, it } from "vitest";
import { numFeasibleNodesToFind } from "../../core/scheduler/feasible.js";
import { fitErrorMessage } from "../../core/scheduler/fit-error.js";
import { Status } from "../../core/scheduler/status.js";
import { CycleState } from "../../core/scheduler/cycle-state.js";
import { NodeInfo, podInfo } from "../../core/scheduler/node-info.js";
import { balancedAllocation } from "../../plugins/scheduler/score/node-resources-balanced-allocation/index.js";
import { makeNode, makePod } from "./fixtures.js";

describe("numFeasibleNodesToFind", () => {
  it.each([
    [0, 50, 50],
    [0, 99, 99],
    [0, 1000, 420],
    [0, 5000, 500],
    [0, 6000, 300],
    [0, 100_000, 5000],
    [10, 500, 100],
    [30, 5000, 1500],
    [100, 5000, 5000],
  ])("percentage %d of %d nodes → %d", (pct, nodes, want) => {
    expect(numFeasibleNodesToFind(pct, nodes)).toBe(want);
  });
});

describe("FailedScheduling message", () => {
  it("counts reasons over nodes and sorts them as upstream", () => {
    const filtered = new Map([
      ["a", Status.unschedulable("Insufficient cpu")],
      ["b", Status.unschedulable("Insufficient cpu", "Insufficient memory")],
      ["c", Status.unresolvable("node(s) had untolerated taint {k: v}")],
    ]);
    expect(fitErrorMessage(5, filtered, { postFilterMessage: "preemption: 0/5 nodes are available: 5 Preemption is not helpful for scheduling." })).toBe(
      "0/5 nodes are available: 1 Insufficient memory, 1 node(s) had untolerated taint {k: v}, 2 Insufficient cpu. preemption: 0/5 nodes are available: 5 Preemption is not helpful for scheduling.",
    );
  });

  it("names a PreFilter rejection once", () => {
    expect(fitErrorMessage(3, new Map(), { preFilter: Status.unresolvable("pod has unbound immediate PersistentVolumeClaims") })).toBe("0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims.");
  });
});

describe("NodeResourcesBalancedAllocation", () => {
  it("prefers the node where cpu and memory fractions stay equal", () => {
    const plugin = balancedAllocation({});
    const pod = makePod("p", { cpu: "1", memory: "1Gi" });
    const balanced = new NodeInfo(makeNode("bal", { cpu: "4", memory: "4Gi" }));
    const skewed = new NodeInfo(makeNode("skew", { cpu: "4", memory: "4Gi" }));
    skewed.addPod(podInfo(makePod("o", { cpu: "2", memory: "100Mi" })));
    expect(plugin.score(new CycleState(), pod, balanced)).toBe(100);
    expect(plugin.score(new CycleState(), pod, skewed)).toBeLessThan(100);
    expect(plugin.score(new CycleState(), pod, skewed)).toBe(Math.trunc((1 - Math.abs(0.75 - (1024 + 100) / 4096) / 2) * 100));
  });
});
