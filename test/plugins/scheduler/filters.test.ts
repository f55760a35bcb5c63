import { describe, expect, it } from "vitest";
import { CycleState } from "../../../core/scheduler/cycle-state.js";
import { NodeInfo, podInfo } from "../../../core/scheduler/node-info.js";
import { Code } from "../../../core/scheduler/status.js";
import type { Node, Pod } from "../../../core/scheduler/types.js";
import { nodeAffinity } from "../../../plugins/scheduler/filter/node-affinity/index.js";
import { nodeName } from "../../../plugins/scheduler/filter/node-name/index.js";
import { nodePorts } from "../../../plugins/scheduler/filter/node-ports/index.js";
import { NodeResourcesFit } from "../../../plugins/scheduler/filter/node-resources-fit/fit.js";
import { nodeUnschedulable } from "../../../plugins/scheduler/filter/node-unschedulable/index.js";
import { taintToleration } from "../../../plugins/scheduler/filter/taint-toleration/index.js";
import { schedulingGates } from "../../../plugins/scheduler/preEnqueue/scheduling-gates/index.js";
import { makeNode, makePod } from "../../scheduler/fixtures.js";

function info(node: Node, pods: Pod[] = []): NodeInfo {
  const ni = new NodeInfo(node);
  for (const p of pods) ni.addPod(podInfo(p));
  return ni;
}
const verdict = (s: { code: Code; reasons: readonly string[] } | void) => (s ? `${s.code}: ${s.reasons.join(", ")}` : "Success");

describe("NodeName", () => {
  it.each([
    ["no nodeName fits anywhere", undefined, "n1", "Success"],
    ["the named node fits", "n1", "n1", "Success"],
    ["another node does not", "n2", "n1", "UnschedulableAndUnresolvable: node(s) didn't match the requested node name"],
  ])("%s", (_c, want, node, expected) => {
    expect(verdict(nodeName.filter(new CycleState(), makePod("p", { nodeName: want }), info(makeNode(node))))).toBe(expected);
  });
});

describe("NodeUnschedulable", () => {
  const tol = [{ key: "node.kubernetes.io/unschedulable", operator: "Exists" as const, effect: "NoSchedule" as const }];
  it.each([
    ["schedulable node", false, undefined, "Success"],
    ["cordoned node", true, undefined, "UnschedulableAndUnresolvable: node(s) were unschedulable"],
    ["cordoned node, tolerated", true, tol, "Success"],
  ])("%s", (_c, unschedulable, tolerations, expected) => {
    expect(verdict(nodeUnschedulable.filter(new CycleState(), makePod("p", { spec: { tolerations } }), info(makeNode("n", { unschedulable }))))).toBe(expected);
  });
});

describe("TaintToleration", () => {
  const taint = { key: "dedicated", value: "gpu", effect: "NoSchedule" as const };
  it.each([
    ["untolerated NoSchedule", [taint], [], "UnschedulableAndUnresolvable: node(s) had untolerated taint {dedicated: gpu}"],
    ["Equal toleration", [taint], [{ key: "dedicated", operator: "Equal" as const, value: "gpu", effect: "NoSchedule" as const }], "Success"],
    ["Equal toleration, other value", [taint], [{ key: "dedicated", operator: "Equal" as const, value: "cpu" }], "UnschedulableAndUnresolvable: node(s) had untolerated taint {dedicated: gpu}"],
    ["Exists with empty key tolerates all", [taint], [{ operator: "Exists" as const }], "Success"],
    ["PreferNoSchedule never filters", [{ key: "k", effect: "PreferNoSchedule" as const }], [], "Success"],
    ["NoExecute filters", [{ key: "k", effect: "NoExecute" as const }], [], "UnschedulableAndUnresolvable: node(s) had untolerated taint {k: }"],
  ])("%s", (_c, taints, tolerations, expected) => {
    expect(verdict(taintToleration.filter(new CycleState(), makePod("p", { spec: { tolerations } }), info(makeNode("n", { taints }))))).toBe(expected);
  });

  it("scores fewer untolerated PreferNoSchedule taints higher after reverse normalization", () => {
    const pod = makePod("p");
    const nodes = [info(makeNode("none")), info(makeNode("one", { taints: [{ key: "a", effect: "PreferNoSchedule" }] })), info(makeNode("two", { taints: [{ key: "a", effect: "PreferNoSchedule" }, { key: "b", effect: "PreferNoSchedule" }] }))];
    const scores = nodes.map((n) => ({ name: n.name, score: taintToleration.score(new CycleState(), pod, n) }));
    taintToleration.normalizeScore!(new CycleState(), pod, scores);
    expect(scores.map((s) => s.score)).toEqual([100, 50, 0]);
  });
});

describe("NodeResourcesFit filter", () => {
  const fit = new NodeResourcesFit({ ignoredResources: ["example.com/ignored"] });
  it.each([
    ["fits", { cpu: "1" }, [], "Success"],
    ["insufficient cpu", { cpu: "5" }, [], "Unschedulable: Insufficient cpu"],
    ["insufficient cpu and memory", { cpu: "3", memory: "7Gi" }, [makePod("old", { cpu: "2", memory: "2Gi" })], "Unschedulable: Insufficient cpu, Insufficient memory"],
    ["extended resource missing", { "example.com/gpu": "1" }, [], "Unschedulable: Insufficient example.com/gpu"],
    ["ignored resource", { "example.com/ignored": "1" }, [], "Success"],
  ])("%s", (_c, requests, existing, expected) => {
    const pod = makePod("p", { containers: [{ name: "c", resources: { requests } }] });
    expect(verdict(fit.filter(new CycleState(), pod, info(makeNode("n", { cpu: "4", memory: "8Gi" }), existing)))).toBe(expected);
  });

  it("refuses a node at its pod limit", () => {
    expect(verdict(fit.filter(new CycleState(), makePod("p"), info(makeNode("n", { pods: 1 }), [makePod("old")])))).toBe("Unschedulable: Too many pods");
  });
});

describe("NodeResourcesFit scoring strategies", () => {
  const pod = makePod("p", { cpu: "1", memory: "1Gi" });
  const empty = info(makeNode("empty", { cpu: "4", memory: "4Gi" }));
  const busy = info(makeNode("busy", { cpu: "4", memory: "4Gi" }), [makePod("o", { cpu: "2", memory: "2Gi" })]);
  it.each([
    ["LeastAllocated", {}, 75, 25],
    ["MostAllocated", { scoringStrategy: { type: "MostAllocated" as const } }, 25, 75],
    ["RequestedToCapacityRatio", { scoringStrategy: { type: "RequestedToCapacityRatio" as const, requestedToCapacityRatio: { shape: [{ utilization: 0, score: 0 }, { utilization: 100, score: 10 }] } } }, 25, 75],
  ])("%s", (_c, args, emptyScore, busyScore) => {
    const fit = new NodeResourcesFit(args);
    expect(fit.score(new CycleState(), pod, empty)).toBe(emptyScore);
    expect(fit.score(new CycleState(), pod, busy)).toBe(busyScore);
  });
});

describe("NodePorts", () => {
  const withPort = (port: number, hostIP?: string, protocol?: string) => makePod("p" + port, { containers: [{ name: "c", ports: [{ containerPort: 80, hostPort: port, hostIP, protocol }] }] });
  it.each([
    ["free port", withPort(8080), [withPort(9090)], "Success"],
    ["same port", withPort(8080), [withPort(8080)], "Unschedulable: node(s) didn't have free ports for the requested pod ports"],
    ["same port other protocol", withPort(8080, undefined, "UDP"), [withPort(8080)], "Success"],
    ["distinct IPs", withPort(8080, "10.0.0.1"), [withPort(8080, "10.0.0.2")], "Success"],
    ["wildcard IP clashes", withPort(8080, "10.0.0.1"), [withPort(8080)], "Unschedulable: node(s) didn't have free ports for the requested pod ports"],
  ])("%s", (_c, pod, existing, expected) => {
    expect(verdict(nodePorts.filter(new CycleState(), pod, info(makeNode("n"), existing)))).toBe(expected);
  });
});

describe("NodeAffinity", () => {
  const zoneA = makeNode("a", { labels: { zone: "a", gen: "5" } });
  const req = (op: string, values?: string[], key = "zone") => ({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key, operator: op, values }] }] } } } });
  const plugin = nodeAffinity({});
  it.each([
    ["nodeSelector match", { nodeSelector: { zone: "a" } }, "Success"],
    ["nodeSelector mismatch", { nodeSelector: { zone: "b" } }, "UnschedulableAndUnresolvable: node(s) didn't match Pod's node affinity/selector"],
    ["In", req("In", ["a", "b"]), "Success"],
    ["NotIn", req("NotIn", ["a"]), "UnschedulableAndUnresolvable: node(s) didn't match Pod's node affinity/selector"],
    ["Exists", req("Exists"), "Success"],
    ["DoesNotExist", req("DoesNotExist"), "UnschedulableAndUnresolvable: node(s) didn't match Pod's node affinity/selector"],
    ["Gt", req("Gt", ["4"], "gen"), "Success"],
    ["Lt", req("Lt", ["4"], "gen"), "UnschedulableAndUnresolvable: node(s) didn't match Pod's node affinity/selector"],
  ])("%s", (_c, spec, expected) => {
    expect(verdict(plugin.filter(new CycleState(), makePod("p", { spec }), info(zoneA)))).toBe(expected);
  });

  it("ANDs the profile's addedAffinity", () => {
    const pinned = nodeAffinity({ addedAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: "zone", operator: "In", values: ["b"] }] }] } } });
    expect(verdict(pinned.filter(new CycleState(), makePod("p"), info(zoneA)))).toMatch(/UnschedulableAndUnresolvable/);
  });

  it("scores preferred terms by weight, normalized to 100", () => {
    const pod = makePod("p", { spec: { affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 20, preference: { matchExpressions: [{ key: "zone", operator: "In", values: ["a"] }] } }, { weight: 5, preference: { matchExpressions: [{ key: "zone", operator: "In", values: ["b"] }] } }] } } } });
    const nodes = [info(zoneA), info(makeNode("b", { labels: { zone: "b" } })), info(makeNode("c"))];
    const scores = nodes.map((n) => ({ name: n.name, score: plugin.score(new CycleState(), pod, n) }));
    plugin.normalizeScore!(new CycleState(), pod, scores);
    expect(scores.map((s) => s.score)).toEqual([100, 25, 0]);
  });
});

describe("SchedulingGates", () => {
  it("gates with upstream's message", () => {
    const s = schedulingGates.preEnqueue(makePod("p", { spec: { schedulingGates: [{ name: "a" }, { name: "b" }] } }));
    expect(verdict(s)).toBe("UnschedulableAndUnresolvable: waiting for scheduling gates: [a b]");
    expect(verdict(schedulingGates.preEnqueue(makePod("p")))).toBe("Success");
  });
});
