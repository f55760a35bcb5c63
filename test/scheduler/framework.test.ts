import { describe, expect, it } from "vitest";
import { createRootMetrics } from "../../core/kernel/metrics.js";
import type { PluginEntry } from "../../core/kernel/extension-point.js";
import { SchedulerCache } from "../../core/scheduler/cache.js";
import { fitErrorMessage } from "../../core/scheduler/fit-error.js";
import { Framework, type ProfilePlugins } from "../../core/scheduler/framework.js";
import { Code, CycleState, NodeInfo, Status, type ScorePlugin } from "../../core/scheduler/index.js";
import { schedulerMetrics } from "../../core/scheduler/metrics.js";
import { selectHost } from "../../core/scheduler/scheduler.js";
import { Snapshot } from "../../core/scheduler/snapshot.js";
import { makeNode, makePod, nodeInfos } from "../support/scheduler.js";

const entry = <T>(name: string, instance: T, weight = 1): PluginEntry<T> => ({ name, weight, instance });
const empty: ProfilePlugins = { preEnqueue: [], queueSort: [], preFilter: [], filter: [], postFilter: [], preScore: [], score: [], reserve: [], permit: [], preBind: [], bind: [], postBind: [] };
const framework = (plugins: Partial<ProfilePlugins>) =>
  new Framework({ profileName: "p", plugins: { ...empty, ...plugins }, metrics: schedulerMetrics(createRootMetrics()), nominatedPodsForNode: () => [] });
const fixed = (by: Record<string, number>): ScorePlugin => ({ score: (_s, _p, ni) => by[ni.name] ?? 0 });

describe("Framework", () => {
  const nodes = nodeInfos([makeNode("a").obj(), makeNode("b").obj()]);

  it("sums scores times weights after NormalizeScore", () => {
    const f = framework({
      score: [entry("Raw", fixed({ a: 10, b: 40 }), 2), entry("Scaled", { ...fixed({ a: 1, b: 4 }), normalizeScore: (_s, _p, list) => void list.forEach((x) => (x.score *= 25)) }, 3)],
    });
    const { totals, status } = f.runScore(new CycleState(), makePod("p").obj(), nodes);
    expect(status.isSuccess()).toBe(true);
    expect(totals).toEqual([
      { name: "a", score: 10 * 2 + 25 * 3 },
      { name: "b", score: 40 * 2 + 100 * 3 },
    ]);
  });

  it("fails the cycle when a plugin's normalized score leaves [0, 100]", () => {
    const { status } = framework({ score: [entry("Wild", fixed({ a: 101 }))] }).runScore(new CycleState(), makePod("p").obj(), nodes);
    expect(status.code).toBe(Code.Error);
    expect(status.message()).toBe('plugin "Wild" returns an invalid score 101, it should in the range of [0, 100] after normalizing');
  });

  it("a PreScore Skip disables the paired Score; a PreFilter Skip the paired Filter", () => {
    const state = new CycleState();
    const both = { preScore: () => Status.skip(), score: () => 999, preFilter: () => Status.skip(), filter: () => Status.unschedulable("never") };
    const f = framework({ preScore: [entry("X", both)], score: [entry("X", both)], preFilter: [entry("X", both)], filter: [entry("X", both)] });
    expect(f.runPreScore(state, makePod("p").obj(), nodes).isSuccess()).toBe(true);
    expect(f.runScore(state, makePod("p").obj(), nodes).totals.map((t) => t.score)).toEqual([0, 0]);
    expect(f.runPreFilter(state, makePod("p").obj(), nodes).status.isSuccess()).toBe(true);
    expect(f.runFilterPlugins(state, makePod("p").obj(), nodes[0]!).isSuccess()).toBe(true);
  });

  it("intersects PreFilter node subsets, and an empty intersection is unresolvable", () => {
    const only = (...names: string[]) => ({ preFilter: () => ({ nodeNames: new Set(names) }) });
    const f = framework({ preFilter: [entry("A", only("a", "b")), entry("B", only("b"))] });
    expect([...f.runPreFilter(new CycleState(), makePod("p").obj(), nodes).result!.nodeNames]).toEqual(["b"]);
    const g = framework({ preFilter: [entry("A", only("a")), entry("B", only("b"))] });
    expect(g.runPreFilter(new CycleState(), makePod("p").obj(), nodes).status.code).toBe(Code.UnschedulableAndUnresolvable);
  });

  it("names the plugin that rejected a node, and turns a throwing plugin into an Error", () => {
    const f = framework({ filter: [entry("Ok", { filter: () => undefined }), entry("No", { filter: () => Status.unschedulable("nope") })] });
    const s = f.runFilterPlugins(new CycleState(), makePod("p").obj(), nodes[0]!);
    expect([s.code, s.plugin, s.message()]).toEqual([Code.Unschedulable, "No", "nope"]);
    const bad = framework({ filter: [entry("Boom", { filter: () => { throw new Error("bug"); } })] });
    const e = bad.runFilterPlugins(new CycleState(), makePod("p").obj(), nodes[0]!);
    expect([e.code, e.plugin]).toEqual([Code.Error, "Boom"]);
  });

  it("binders are tried in order until one does not Skip", async () => {
    const calls: string[] = [];
    const f = framework({
      bind: [entry("First", { bind: () => (calls.push("First"), Status.skip()) }), entry("Second", { bind: () => (calls.push("Second"), undefined) }), entry("Third", { bind: () => (calls.push("Third"), undefined) })],
    });
    expect((await f.runBind(new CycleState(), makePod("p").obj(), "a")).isSuccess()).toBe(true);
    expect(calls).toEqual(["First", "Second"]);
  });

  it("Unreserve runs every reserve plugin in reverse order", async () => {
    const calls: string[] = [];
    const r = (n: string) => entry(n, { reserve: () => undefined, unreserve: () => void calls.push(n) });
    await framework({ reserve: [r("A"), r("B"), r("C")] }).runUnreserve(new CycleState(), makePod("p").obj(), "a");
    expect(calls).toEqual(["C", "B", "A"]);
  });

  it("accepts plain { code, reasons } statuses from packages", () => {
    const f = framework({ filter: [entry("Plain", { filter: () => ({ code: "UnschedulableAndUnresolvable", reasons: ["no"] }) as never })] });
    const s = f.runFilterPlugins(new CycleState(), makePod("p").obj(), nodes[0]!);
    expect([s.code, s.message(), s.plugin]).toEqual([Code.UnschedulableAndUnresolvable, "no", "Plain"]);
  });
});

describe("fit error message", () => {
  it("counts reasons over nodes and sorts them as strings", () => {
    const m = new Map([
      ["a", Status.unschedulable("Insufficient cpu")],
      ["b", Status.unschedulable("Insufficient cpu", "Insufficient memory")],
      ["c", Status.unresolvable("node(s) had untolerated taint {k: v}")],
    ]);
    expect(fitErrorMessage(5, { nodeToStatus: m, unschedulablePlugins: new Set(), pendingPlugins: new Set() })).toBe(
      "0/5 nodes are available: 1 Insufficient memory, 1 node(s) had untolerated taint {k: v}, 2 Insufficient cpu.",
    );
  });
  it("a PreFilter rejection replaces the histogram", () => {
    expect(fitErrorMessage(3, { nodeToStatus: new Map(), unschedulablePlugins: new Set(), pendingPlugins: new Set(), preFilterMsg: 'persistentvolumeclaim "x" not found' })).toBe(
      '0/3 nodes are available: persistentvolumeclaim "x" not found.',
    );
  });
});

describe("scheduler cache", () => {
  it("counts an assumed pod at once, drops it on forget, and keeps it once confirmed", () => {
    const cache = new SchedulerCache();
    cache.addNode(makeNode("n").obj());
    const snap = new Snapshot();
    const pod = makePod("p").node("n").req({ cpu: "1" }).obj();
    cache.assumePod(pod);
    cache.updateSnapshot(snap);
    expect(snap.get("n")!.requested.cpu).toBe(1000);
    cache.forgetPod(pod);
    cache.updateSnapshot(snap);
    expect(snap.get("n")!.requested.cpu ?? 0).toBe(0);
    cache.assumePod(pod);
    cache.addPod(pod);
    expect(cache.isAssumed(pod)).toBe(false);
    cache.forgetPod(pod); // confirmed pods are not forgotten
    cache.updateSnapshot(snap);
    expect(snap.get("n")!.pods.map((p) => p.pod.metadata.name)).toEqual(["p"]);
  });

  it("gives each cycle a copy: a later change does not reach an earlier snapshot's NodeInfo", () => {
    const cache = new SchedulerCache();
    cache.addNode(makeNode("n").obj());
    const snap = new Snapshot();
    cache.updateSnapshot(snap);
    const before: NodeInfo = snap.get("n")!;
    cache.addPod(makePod("p").node("n").obj());
    cache.updateSnapshot(snap);
    expect(before.pods).toHaveLength(0);
    expect(snap.get("n")!.pods).toHaveLength(1);
    expect(snap.nodeInfoList[0]).toBe(snap.get("n"));
  });
});

describe("selectHost", () => {
  it("picks the highest total and breaks ties at random", () => {
    expect(selectHost([{ name: "a", score: 1 }, { name: "b", score: 3 }, { name: "c", score: 2 }])).toBe("b");
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) seen.add(selectHost([{ name: "a", score: 5 }, { name: "b", score: 5 }, { name: "c", score: 1 }]));
    expect([...seen].sort()).toEqual(["a", "b"]);
  });
});
