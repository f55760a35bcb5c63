import { describe, expect, it } from "vitest";
import { SchedulerCache } from "../../../core/scheduler/cache.js";
import { CycleState } from "../../../core/scheduler/cycle-state.js";
import { Framework } from "../../../core/scheduler/framework.js";
import { NodeInfo, podInfo } from "../../../core/scheduler/node-info.js";
import { SchedulingQueue } from "../../../core/scheduler/queue.js";
import { Scheduler } from "../../../core/scheduler/scheduler.js";
import type { Pod } from "../../../core/scheduler/types.js";
import { PodTopologySpread, type SpreadConstraint } from "../../../plugins/scheduler/filter/pod-topology-spread/spread.js";
import { NodeResourcesFit } from "../../../plugins/scheduler/filter/node-resources-fit/fit.js";
import { prioritySort } from "../../../plugins/scheduler/queueSort/priority-sort/index.js";
import { makeNode, makePod } from "../../scheduler/fixtures.js";

const zoneNode = (name: string, zone: string) => makeNode(name, { labels: { "topology.kubernetes.io/zone": zone } });
const spreadPod = (name: string, c: Partial<SpreadConstraint> = {}): Pod =>
  makePod(name, {
    labels: { app: "web" },
    spec: { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: { app: "web" } }, ...c }] },
  });

function nodesWith(placement: Record<string, string[]>, zones: Record<string, string>): NodeInfo[] {
  return Object.entries(zones).map(([name, zone]) => {
    const info = new NodeInfo(zoneNode(name, zone));
    for (const p of placement[name] ?? []) info.addPod(podInfo(makePod(p, { labels: { app: "web" }, nodeName: name })));
    return info;
  });
}

describe("PodTopologySpread filter", () => {
  const plugin = new PodTopologySpread({});
  const zones = { a1: "a", a2: "a", b1: "b" };
  it.each([
    ["balanced zones accept either", { a1: ["x"], b1: ["y"] }, {}, { a1: "Success", b1: "Success" }],
    ["the fuller zone is refused at maxSkew 1", { a1: ["x", "z"], b1: ["y"] }, {}, { a1: "Unschedulable", a2: "Unschedulable", b1: "Success" }],
    ["maxSkew 2 allows it", { a1: ["x", "z"], b1: ["y"] }, { maxSkew: 2 }, { a1: "Success", b1: "Success" }],
    ["minDomains counts missing domains as empty", { a1: ["x"], b1: ["y"] }, { minDomains: 4 }, { a1: "Unschedulable", b1: "Unschedulable" }],
  ])("%s", (_c, placement, c, want) => {
    const nodes = nodesWith(placement, zones);
    const state = new CycleState();
    const pod = spreadPod("new", c);
    plugin.preFilter(state, pod, nodes);
    for (const [node, verdict] of Object.entries(want)) {
      const s = plugin.filter(state, pod, nodes.find((n) => n.name === node)!);
      expect(s ? s.code : "Success", node).toBe(verdict);
    }
  });

  it("refuses nodes without the topology key as unresolvable", () => {
    const state = new CycleState();
    const nodes = [new NodeInfo(zoneNode("z", "a")), new NodeInfo(makeNode("plain"))];
    plugin.preFilter(state, spreadPod("p"), nodes);
    const s = plugin.filter(state, spreadPod("p"), nodes[1]!);
    expect(s?.code).toBe("UnschedulableAndUnresolvable");
    expect(s?.reasons).toEqual(["node(s) didn't match pod topology spread constraints (missing required label)"]);
  });

  it("skips pods without constraints and without owners", () => {
    expect(plugin.preFilter(new CycleState(), makePod("p"), [])?.code).toBe("Skip");
  });
});

describe("PodTopologySpread scoring", () => {
  it("scores the emptier zone higher with ScheduleAnyway", () => {
    const plugin = new PodTopologySpread({});
    const nodes = nodesWith({ a1: ["x", "y", "z"], b1: ["w"] }, { a1: "a", b1: "b" });
    const pod = spreadPod("p", { whenUnsatisfiable: "ScheduleAnyway" });
    const state = new CycleState();
    plugin.preScore(state, pod, nodes);
    const scores = nodes.map((n) => ({ name: n.name, score: plugin.score(state, pod, n) }));
    plugin.normalizeScore(state, pod, scores);
    expect(scores.find((s) => s.name === "b1")!.score).toBeGreaterThan(scores.find((s) => s.name === "a1")!.score);
  });
});

describe("PodTopologySpread in the scheduling cycle", () => {
  it("spreads 100 pods evenly over 10 nodes in 2 zones", async () => {
    const spread = new PodTopologySpread({});
    const fit = new NodeResourcesFit({});
    const bound: Record<string, number> = {};
    const cache = new SchedulerCache();
    const e = <T>(name: string, instance: T) => ({ name, instance, weight: 1 });
    const fwk = new Framework("default-scheduler", {
      queueSort: e("PrioritySort", prioritySort), preEnqueue: [], postFilter: [], reserve: [], permit: [], preBind: [], postBind: [],
      preFilter: [e("NodeResourcesFit", fit), e("PodTopologySpread", spread)],
      filter: [e("NodeResourcesFit", fit), e("PodTopologySpread", spread)],
      preScore: [e("PodTopologySpread", spread)],
      score: [e("NodeResourcesFit", fit), { ...e("PodTopologySpread", spread), weight: 2 }],
      bind: [e("Binder", { bind: (_s: CycleState, pod: Pod, node: string) => {
        const zone = node < "n5" ? "a" : "b";
        bound[zone] = (bound[zone] ?? 0) + 1;
        // The informer's confirmation, so the next cycle counts the pod with its labels.
        cache.addPod({ ...pod, spec: { ...pod.spec, nodeName: node } });
      } })],
    });
    for (let i = 0; i < 10; i++) cache.addNode(zoneNode(`n${i}`, i < 5 ? "a" : "b"));
    const queue = new SchedulingQueue({ less: prioritySort.less });
    const scheduler = new Scheduler(new Map([["default-scheduler", fwk]]), cache, queue, { failed: (_p, f) => { throw new Error(f.message); } });
    for (let i = 0; i < 100; i++) queue.add(spreadPod(`p${i}`));
    for (let i = 0; i < 100; i++) await scheduler.scheduleOne();
    await scheduler.idle();
    expect(bound).toEqual({ a: 50, b: 50 });
  });
});
